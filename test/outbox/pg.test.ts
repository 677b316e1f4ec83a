import { describe } from 'vitest';
import { outboxContract } from './contract.js';
import { pgHarness } from './harness.js';

describe('outbox on PostgreSQL', () => outboxContract(pgHarness, { events: 10_000, timeoutMs: 60_000 }));
