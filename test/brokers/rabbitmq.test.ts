import { describe } from 'vitest';
import { brokerContract } from './contract.js';

describe('broker contract: rabbitmq', () => brokerContract('rabbitmq'));
