/**
 * @module canon/tracking/redis/node-redis
 * node-redis (`redis` v5/v6, `createClient()`): single commands go through the client's
 * `sendCommand(args)`, `MULTI` and pipelines through `_executeMulti` / `_executePipeline`.
 * They are patched on the client's real instance (`client._self`), which the proxies
 * node-redis hands out (`withTypeMapping`, `isolated`...) all inherit from.
 */
import { performance } from 'node:perf_hooks';
import { storage } from '../../core/context.js';
import { commandName, recordCommands } from './record.js';

type Send = (this: unknown, ...args: any[]) => Promise<unknown>;

/** The part of a node-redis client that tracking uses. */
export interface NodeRedisLike {
  sendCommand: Send;
  MULTI: (...args: any[]) => unknown;
  _self?: NodeRedisLike;
  _executeMulti?: Send;
  _executePipeline?: Send;
}

/** `batch`: the reply is an array with one reply per command (MULTI's EXEC, a pipeline). */
function tracked(original: Send, namesOf: (args: unknown[]) => string[], batch: boolean): Send {
  return function canonTrackedCommand(this: unknown, ...args: unknown[]) {
    const unit = storage.getStore();
    if (unit === undefined) return original.apply(this, args);
    const started = performance.now();
    const names = namesOf(args);
    return original.apply(this, args).then(
      (reply) => {
        recordCommands(unit, started, names, batch ? (reply as unknown[]) : [reply], false);
        return reply;
      },
      (err: unknown) => {
        recordCommands(unit, started, names, undefined, true);
        throw err;
      },
    );
  };
}

const singleName = (args: unknown[]) => [commandName((args[0] as unknown[])[0])];
const batchNames = (args: unknown[]) =>
  (args[0] as { args: unknown[] }[]).map((command) => commandName(command.args[0]));

/**
 * Tracks a node-redis client's commands, transactions and pipelines.
 *
 * @example
 * trackNodeRedis(createClient({ url: 'redis://127.0.0.1:6379' }));
 */
export function trackNodeRedis(client: NodeRedisLike): void {
  const self = client._self ?? client;
  self.sendCommand = tracked(self.sendCommand, singleName, false);
  if (typeof self._executeMulti === 'function')
    self._executeMulti = tracked(self._executeMulti, batchNames, true);
  if (typeof self._executePipeline === 'function') {
    self._executePipeline = tracked(self._executePipeline, batchNames, true);
  }
}
