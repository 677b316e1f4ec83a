import { natsHarness } from './nats.js';
import { rabbitHarness } from './rabbitmq.js';
import { redisHarness } from './redis-streams.js';
import type { BrokerName, HarnessFactory } from './types.js';

export const harnesses: Record<BrokerName, HarnessFactory> = {
  nats: natsHarness,
  rabbitmq: rabbitHarness,
  'redis-streams': redisHarness,
};

export type { BrokerHarness, BrokerName, DeadLetterView, SourceTuning } from './types.js';
