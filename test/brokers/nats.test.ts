import { describe } from 'vitest';
import { brokerContract } from './contract.js';

describe('broker contract: nats', () => brokerContract('nats'));
