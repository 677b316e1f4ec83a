import { describe } from 'vitest';
import { brokerContract } from './contract.js';

describe('broker contract: redis-streams', () => brokerContract('redis-streams'));
