import { describe } from 'vitest';
import { pgliteHarness } from '../outbox/harness.js';
import { webhooksContract } from './contract.js';

describe('outgoing webhooks on PGlite', () => webhooksContract(pgliteHarness));
