// One adapter per broker for the benchmark: a fresh stream/queue holding `n` events
// (published through Canon's publisher, not timed), the raw client's own consume loop
// over it (decode the JSON, acknowledge each message, one at a time), and Canon's source
// for the same kind of target.
import amqp from 'amqplib';
import { Redis } from 'ioredis';
import { connect } from 'nats';
import { natsPublisher, natsSource } from '../../dist/brokers/nats/index.js';
import { rabbitPublisher, rabbitSource } from '../../dist/brokers/rabbitmq/index.js';
import { redisStreamsPublisher, redisStreamsSource } from '../../dist/brokers/redis-streams/index.js';
import { PREFETCH, pool, suffix } from './common.mjs';

const decoder = new TextDecoder();

async function fill(publish, events) {
  await pool(events.length, 64, (i) => publish(events[i], { topic: events[i].type, key: null, attempt: 1 }));
}

async function nats() {
  const nc = await connect({ servers: '127.0.0.1:4222' });
  const js = nc.jetstream();
  const jsm = await js.jetstreamManager();
  const streams = new Set();
  const publisherFor = (stream) =>
    natsPublisher({ js, stream, subject: (event) => `${stream}.${event.type}` });
  return {
    name: 'NATS JetStream',
    publisherFor,
    async target(events) {
      const stream = `BENCH_${suffix()}`;
      streams.add(stream);
      await fill(publisherFor(stream), events);
      return stream;
    },
    async raw(stream, n) {
      await jsm.consumers.add(stream, { durable_name: 'raw', ack_policy: 'explicit' });
      const messages = await (await js.consumers.get(stream, 'raw')).consume({ max_messages: PREFETCH });
      let seen = 0;
      for await (const msg of messages) {
        JSON.parse(decoder.decode(msg.data));
        msg.ack();
        if (++seen === n) break;
      }
    },
    source: (stream) => natsSource({ js, stream, durable: 'canon', prefetch: PREFETCH }),
    async close() {
      for (const stream of streams) {
        for (const name of [stream, `${stream}_DLQ`]) await jsm.streams.delete(name).catch(() => {});
      }
      await nc.close();
    },
  };
}

async function rabbitmq() {
  // noDelay: amqplib leaves Nagle's algorithm on, which holds small frames (publishes,
  // confirms, acks) up to ~40 ms behind delayed ACKs
  const connection = await amqp.connect('amqp://guest:guest@127.0.0.1:5672', { noDelay: true });
  const channel = await connection.createConfirmChannel();
  const queues = new Set();
  const publisherFor = (queue) => rabbitPublisher({ channel, exchange: '', routingKey: queue });
  return {
    name: 'RabbitMQ',
    publisherFor,
    async target(events) {
      const queue = `canon_bench_${suffix()}`;
      queues.add(queue);
      await channel.assertQueue(queue, { durable: true });
      await fill(publisherFor(queue), events);
      return queue;
    },
    async raw(queue, n) {
      const own = await connection.createChannel();
      await own.prefetch(PREFETCH);
      let seen = 0;
      await new Promise((resolve) => {
        own.consume(queue, (msg) => {
          JSON.parse(msg.content.toString());
          own.ack(msg);
          if (++seen === n) resolve();
        });
      });
      await own.close();
    },
    async source(queue) {
      return rabbitSource({ channel: await connection.createConfirmChannel(), queue, prefetch: PREFETCH });
    },
    async close() {
      for (const queue of queues) {
        for (const name of [
          queue,
          `${queue}.dlq`,
          `${queue}.retry.1`,
          `${queue}.retry.2`,
          `${queue}.retry.3`,
          `${queue}.retry.4`,
        ])
          await channel.deleteQueue(name).catch(() => {});
      }
      await connection.close();
    },
  };
}

async function redisStreams() {
  const client = new Redis(6379, '127.0.0.1');
  const keys = new Set();
  const publisherFor = (stream) => redisStreamsPublisher({ client, stream });
  return {
    name: 'Redis Streams',
    publisherFor,
    async target(events) {
      const stream = `canon:bench:${suffix()}`;
      keys.add(stream).add(`${stream}:dlq`);
      await fill(publisherFor(stream), events);
      return stream;
    },
    async raw(stream, n) {
      const reader = client.duplicate();
      await reader.call('XGROUP', 'CREATE', stream, 'raw', '0');
      let seen = 0;
      while (seen < n) {
        const reply = await reader.call(
          'XREADGROUP',
          'GROUP',
          'raw',
          'r1',
          'COUNT',
          PREFETCH,
          'BLOCK',
          1000,
          'STREAMS',
          stream,
          '>',
        );
        const entries = Array.isArray(reply?.[0]) ? reply[0][1] : (reply?.[1] ?? []);
        for (const [id, fields] of entries) {
          JSON.parse(fields[fields.indexOf('event') + 1]);
          await client.call('XACK', stream, 'raw', id);
          seen++;
        }
      }
      reader.disconnect();
    },
    source: (stream) =>
      redisStreamsSource({ client, stream, group: 'canon', consumer: 'c1', prefetch: PREFETCH }),
    async close() {
      if (keys.size > 0) await client.del(...keys);
      client.disconnect();
    },
  };
}

export const adapters = { nats, rabbitmq, 'redis-streams': redisStreams };
