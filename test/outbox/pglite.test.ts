import { describe } from 'vitest';
import { outboxContract } from './contract.js';
import { pgliteHarness } from './harness.js';

// PGlite is one connection in this process: the two relays take turns on it.
describe('outbox on PGlite', () => outboxContract(pgliteHarness, { events: 10_000, timeoutMs: 120_000 }));
