/**
 * The local services the integration tests use (PostgreSQL, Redis, RabbitMQ, NATS with
 * JetStream, all on 127.0.0.1) and a check that they are up. A test file that needs one
 * calls `requireServices('postgres', …)` at its top: when a service is down the file fails
 * at once with one line naming it and the command that starts it, instead of a connection
 * error (or a timeout) in every test.
 */
import { connect } from 'node:net';
import { beforeAll } from 'vitest';

/** What starts every service that is down (and waits for it). */
export const START_COMMAND = 'bash .ci/services.sh';

export interface Service {
  /** Shown in the message: `Redis`. */
  name: string;
  port: number;
  host?: string;
  /** Checks the server's first bytes (NATS sends its INFO line); returns a problem or undefined. */
  greeting?: (text: string) => string | undefined;
}

/** NATS announces its features in the INFO line it sends on connect. */
function natsJetStream(text: string): string | undefined {
  const info = /^INFO (\{.*\})/.exec(text);
  if (!info) return 'does not answer like a NATS server';
  return (JSON.parse(info[1]!) as { jetstream?: boolean }).jetstream ? undefined : 'runs without JetStream (-js)';
}

export const SERVICES = {
  postgres: { name: 'PostgreSQL', port: 5432 },
  redis: { name: 'Redis', port: 6379 },
  rabbitmq: { name: 'RabbitMQ', port: 5672 },
  nats: { name: 'NATS', port: 4222, greeting: natsJetStream },
} satisfies Record<string, Service>;

export type ServiceName = keyof typeof SERVICES;

/**
 * The one-line failure: `Redis is not reachable on 127.0.0.1:6379 — start it with: bash .ci/services.sh`.
 * A server that is up but wrong (NATS without JetStream) is not restarted by that command.
 */
function unavailable(service: Service, problem: string, reachable: boolean): Error {
  const fix = reachable ? `stop it and run: ${START_COMMAND}` : `start it with: ${START_COMMAND}`;
  const error = new Error(`${service.name} ${problem} on ${service.host ?? '127.0.0.1'}:${service.port} — ${fix}`);
  error.stack = `${error.name}: ${error.message}`; // the message says it all: no stack frames
  return error;
}

/**
 * Resolves when `service` accepts a TCP connection (and greets as expected) within
 * `timeoutMs`; rejects with the one-line message otherwise.
 *
 * @example
 * await probeService(SERVICES.redis); // or rejects: Redis is not reachable on 127.0.0.1:6379 — start it with: …
 */
export function probeService(service: Service, timeoutMs = 3_000): Promise<void> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: service.host ?? '127.0.0.1', port: service.port });
    let received = '';
    let connected = false;
    const done = (problem?: string) => {
      clearTimeout(timer);
      socket.destroy();
      if (problem) reject(unavailable(service, problem, connected));
      else resolve();
    };
    const timer = setTimeout(() => done(connected ? 'does not answer as expected' : 'is not reachable'), timeoutMs);
    socket.on('error', () => done('is not reachable'));
    socket.on('connect', () => {
      connected = true;
      if (!service.greeting) done();
    });
    socket.on('data', (chunk) => {
      received += chunk.toString('latin1');
      if (service.greeting && received.includes('\n')) done(service.greeting(received));
    });
  });
}

/**
 * Fails the calling test file before any test runs when a service it needs is down.
 *
 * @example
 * requireServices('rabbitmq', 'postgres');
 */
export function requireServices(...services: (ServiceName | Service)[]): void {
  beforeAll(async () => {
    for (const service of services) await probeService(typeof service === 'string' ? SERVICES[service] : service);
  });
}
