import { describe } from 'vitest';
import { pgHarness } from '../outbox/harness.js';
import { webhooksContract } from './contract.js';
import { requireServices } from '../helpers/services.js';

requireServices('postgres');

describe('outgoing webhooks on PostgreSQL', () => webhooksContract(pgHarness));
