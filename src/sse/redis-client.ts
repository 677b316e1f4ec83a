/**
 * @module canon/sse/redis-client
 * The few Redis operations the backplane needs, over either client: ioredis (`call`,
 * `subscribe` + `'message'` events) or node-redis v4+ (`sendCommand`, `subscribe` with
 * a listener). Described structurally: neither package is imported.
 */

/** An ioredis client (`new Redis()`). */
export interface IoRedisLike {
  readonly status: string;
  once(event: 'ready' | 'end', listener: () => void): unknown;
  on(event: 'ready', listener: () => void): unknown;
  on(event: 'message', listener: (channel: string, message: string) => void): unknown;
  removeListener(event: 'ready' | 'end', listener: () => void): unknown;
  removeListener(event: 'message', listener: (channel: string, message: string) => void): unknown;
  call(command: string, ...args: (string | number)[]): Promise<unknown>;
  subscribe(channel: string): Promise<unknown>;
  unsubscribe(channel: string): Promise<unknown>;
  duplicate(): IoRedisLike;
  quit(): Promise<unknown>;
  disconnect(): void;
}

/** A node-redis v4+ client (`createClient()`), connected. */
export interface NodeRedisLike {
  readonly isOpen: boolean;
  sendCommand(args: string[]): Promise<unknown>;
  subscribe(channel: string, listener: (message: string, channel: string) => void): Promise<unknown>;
  unsubscribe(channel: string, listener?: (message: string, channel: string) => void): Promise<unknown>;
  duplicate(): NodeRedisLike;
  connect(): Promise<unknown>;
  on(event: 'ready', listener: () => void): unknown;
  removeListener(event: 'ready', listener: () => void): unknown;
  close?(): Promise<unknown>;
  quit?(): Promise<unknown>;
}

export type RedisLike = IoRedisLike | NodeRedisLike;

/** @internal */
export interface RedisOps {
  evalScript(script: string, keys: string[], args: string[]): Promise<unknown>;
  /**
   * Subscribes a connection of its own (or `subscriber`) to `channel`. Both clients
   * resubscribe by themselves after a reconnect; `onReconnect` hears about it.
   */
  subscribe(channel: string, onMessage: (message: string) => void, onReconnect: () => void): Promise<void>;
  unsubscribe(): Promise<void>;
}

/** ioredis has `sendCommand` too (taking a Command object): tell them apart by `call`. */
function isNodeRedis(client: RedisLike): client is NodeRedisLike {
  return typeof (client as IoRedisLike).call !== 'function';
}

function nodeRedisOps(client: NodeRedisLike, given: NodeRedisLike | undefined): RedisOps {
  let subscriber: NodeRedisLike | undefined;
  let unsubscribe = async (): Promise<void> => {};
  return {
    evalScript: (script, keys, args) =>
      client.sendCommand(['EVAL', script, String(keys.length), ...keys, ...args]),
    async subscribe(channel, onMessage, onReconnect) {
      subscriber = given ?? client.duplicate();
      const own = given === undefined ? subscriber : undefined;
      const listener = (message: string, from: string): void => {
        if (from === channel) onMessage(message);
      };
      try {
        if (!subscriber.isOpen) await subscriber.connect();
        await subscriber.subscribe(channel, listener);
      } catch (error) {
        await (own?.close?.() ?? own?.quit?.())?.catch(() => {});
        throw error;
      }
      subscriber.on('ready', onReconnect); // from now on, 'ready' means a reconnect
      unsubscribe = async () => {
        subscriber!.removeListener('ready', onReconnect);
        await subscriber!.unsubscribe(channel, listener);
        if (own) await (own.close?.() ?? own.quit?.());
      };
    },
    unsubscribe: () => unsubscribe(),
  };
}

/** Waits for a connecting ioredis client (commands fail before that without an offline queue). */
function connected(client: IoRedisLike): Promise<void> {
  if (client.status === 'ready') return Promise.resolve();
  return new Promise((resolve, reject) => {
    const onReady = (): void => {
      client.removeListener('end', onEnd);
      resolve();
    };
    const onEnd = (): void => {
      client.removeListener('ready', onReady);
      reject(new Error('canon/sse: the Redis subscriber connection ended'));
    };
    client.once('ready', onReady);
    client.once('end', onEnd);
  });
}

function ioRedisOps(client: IoRedisLike, given: IoRedisLike | undefined): RedisOps {
  let unsubscribe = async (): Promise<void> => {};
  return {
    evalScript: (script, keys, args) => client.call('EVAL', script, keys.length, ...keys, ...args),
    async subscribe(channel, onMessage, onReconnect) {
      const subscriber = given ?? client.duplicate();
      const listener = (from: string, message: string): void => {
        if (from === channel) onMessage(message);
      };
      subscriber.on('message', listener);
      try {
        await connected(subscriber);
        await subscriber.subscribe(channel);
      } catch (error) {
        subscriber.removeListener('message', listener);
        if (given === undefined) subscriber.disconnect();
        throw error;
      }
      subscriber.on('ready', onReconnect); // from now on, 'ready' means a reconnect
      unsubscribe = async () => {
        subscriber.removeListener('ready', onReconnect);
        subscriber.removeListener('message', listener);
        if (given === undefined) await subscriber.quit();
        else await subscriber.unsubscribe(channel);
      };
    },
    unsubscribe: () => unsubscribe(),
  };
}

/**
 * @internal
 * Wraps an ioredis or node-redis client; `subscriber` is used instead of a duplicate.
 *
 * @example
 * const ops = redisOps(new Redis());
 */
export function redisOps(client: RedisLike, subscriber?: RedisLike): RedisOps {
  return isNodeRedis(client)
    ? nodeRedisOps(client, subscriber as NodeRedisLike | undefined)
    : ioRedisOps(client, subscriber as IoRedisLike | undefined);
}
