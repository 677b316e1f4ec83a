/**
 * @module canon/tracking/redis/ioredis
 * ioredis (`Redis` and `Cluster`): every command goes through `sendCommand(command)`,
 * whose `resolve`/`reject` are wrapped to time it and read its reply. A command is
 * observed once even when ioredis sends it again (offline queue, cluster redirects).
 * Commands queued on a pipeline (`pipeline()`, `multi()`, and the ones auto-pipelining
 * creates) are bound to the unit of work they were issued in, since the pipeline may be
 * sent from another caller's context (auto-pipelining sends from a `setImmediate`).
 */
import { performance } from 'node:perf_hooks';
import { storage } from '../../core/context.js';
import type { WideEvent } from '../../core/event.js';
import { commandName, recordCommands } from './record.js';

/** The part of an ioredis `Command` that tracking uses. */
interface IoredisCommand {
  name: string;
  inTransaction?: boolean;
  resolve: (value: unknown) => unknown;
  reject: (err: unknown) => unknown;
}

/** The part of an ioredis client that tracking uses. */
export interface IoredisLike {
  sendCommand: (command: any, ...rest: any[]) => unknown;
  pipeline: (...args: any[]) => unknown;
  multi?: (...args: any[]) => unknown;
}

const OBSERVED = Symbol('canon.redis.observed');
/** The unit of work (or `undefined`: none) a pipelined command was issued in. */
const UNIT = Symbol('canon.redis.unit');

/** The unit a command counts for: the one it was queued in, else the sender's. */
function unitOf(command: object): WideEvent | undefined {
  return UNIT in command ? (command as { [UNIT]?: WideEvent })[UNIT] : storage.getStore();
}

/** Makes `client[method]` return pipelines that bind each queued command to the caller's unit. */
function bindPipelines(client: IoredisLike, method: 'pipeline' | 'multi'): void {
  const create = client[method];
  if (typeof create !== 'function') return;
  client[method] = function canonTrackedPipeline(this: unknown, ...args: unknown[]) {
    const pipeline = create.apply(this, args) as { sendCommand?: unknown } | null;
    const queue = pipeline?.sendCommand;
    // `multi({ pipeline: false })` returns a promise: its commands go through `client.sendCommand`
    if (pipeline === null || typeof queue !== 'function') return pipeline;
    pipeline.sendCommand = function canonBoundCommand(this: unknown, command: unknown, ...rest: unknown[]) {
      if (command !== null && typeof command === 'object' && !(UNIT in command)) {
        (command as { [UNIT]?: WideEvent })[UNIT] = storage.getStore(); // a symbol: ioredis never reads it
      }
      return queue.call(this, command, ...rest);
    };
    return pipeline;
  };
}

function observe(unit: WideEvent, command: IoredisCommand): void {
  const started = performance.now();
  const names = [commandName(command.name)];
  const { resolve, reject } = command;
  let done = false;
  command.resolve = function canonResolved(this: unknown, value: unknown) {
    if (!done) {
      done = true;
      // inside MULTI the reply is "QUEUED", not the value
      recordCommands(unit, started, names, command.inTransaction ? undefined : [value], false);
    }
    return resolve.call(this, value);
  };
  command.reject = function canonRejected(this: unknown, err: unknown) {
    if (!done) {
      done = true;
      recordCommands(unit, started, names, undefined, true);
    }
    return reject.call(this, err);
  };
}

/**
 * Tracks an ioredis client's commands.
 *
 * @example
 * trackIoredis(new Redis());
 */
export function trackIoredis(client: IoredisLike): void {
  const send = client.sendCommand;
  client.sendCommand = function canonTrackedSendCommand(
    this: unknown,
    command: IoredisCommand,
    ...rest: unknown[]
  ) {
    if (command !== null && typeof command === 'object' && !(OBSERVED in command)) {
      const unit = unitOf(command);
      if (unit !== undefined) {
        Object.defineProperty(command, OBSERVED, { value: true });
        observe(unit, command);
      }
    }
    return send.call(this, command, ...rest);
  };
  bindPipelines(client, 'pipeline');
  bindPipelines(client, 'multi');
}
