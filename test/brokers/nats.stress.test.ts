import { describe } from 'vitest';
import { brokerStorm } from './storm.js';

describe('broker kill storm: nats', () => brokerStorm('nats'));
