import { describe } from 'vitest';
import { pgHarness } from '../outbox/harness.js';
import { webhooksContract } from './contract.js';

describe('outgoing webhooks on PostgreSQL', () => webhooksContract(pgHarness));
