/**
 * @module canon/tracking/redis/ioredis
 * ioredis (`Redis` and `Cluster`): every command goes through `sendCommand(command)`,
 * whose `resolve`/`reject` are wrapped to time it and read its reply. A command is
 * observed once even when ioredis sends it again (offline queue, cluster redirects).
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
}

const OBSERVED = Symbol('canon.redis.observed');

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
    const unit = storage.getStore();
    if (unit !== undefined && command !== null && typeof command === 'object' && !(OBSERVED in command)) {
      Object.defineProperty(command, OBSERVED, { value: true });
      observe(unit, command);
    }
    return send.call(this, command, ...rest);
  };
}
