/**
 * @module canon/sse/redis-client
 * The few Redis operations the backplane needs, over either client: ioredis (`call`,
 * `subscribe` + `'message'` events) or node-redis v4+ (`sendCommand`, `subscribe` with
 * a listener). Described structurally: neither package is imported.
 */

/** An ioredis client (`new Redis()`). */
export interface IoRedisLike {
  call(command: string, ...args: (string | number)[]): Promise<unknown>;
  subscribe(channel: string): Promise<unknown>;
  unsubscribe(channel: string): Promise<unknown>;
  on(event: 'message', listener: (channel: string, message: string) => void): unknown;
  removeListener(event: 'message', listener: (channel: string, message: string) => void): unknown;
  duplicate(): IoRedisLike;
  quit(): Promise<unknown>;
}

/** A node-redis v4+ client (`createClient()`), connected. */
export interface NodeRedisLike {
  readonly isOpen: boolean;
  sendCommand(args: string[]): Promise<unknown>;
  subscribe(channel: string, listener: (message: string, channel: string) => void): Promise<unknown>;
  unsubscribe(channel: string, listener?: (message: string, channel: string) => void): Promise<unknown>;
  duplicate(): NodeRedisLike;
  connect(): Promise<unknown>;
  close?(): Promise<unknown>;
  quit?(): Promise<unknown>;
}

export type RedisLike = IoRedisLike | NodeRedisLike;

/** @internal */
export interface RedisOps {
  evalScript(script: string, keys: string[], args: string[]): Promise<unknown>;
  /** Subscribes a connection of its own (or `subscriber`) to `channel`. */
  subscribe(channel: string, onMessage: (message: string) => void): Promise<void>;
  unsubscribe(): Promise<void>;
}

function isNodeRedis(client: RedisLike): client is NodeRedisLike {
  return typeof (client as NodeRedisLike).sendCommand === 'function';
}

function nodeRedisOps(client: NodeRedisLike, given: NodeRedisLike | undefined): RedisOps {
  let subscriber: NodeRedisLike | undefined;
  let unsubscribe = async (): Promise<void> => {};
  return {
    evalScript: (script, keys, args) => client.sendCommand(['EVAL', script, String(keys.length), ...keys, ...args]),
    async subscribe(channel, onMessage) {
      subscriber = given ?? client.duplicate();
      if (!subscriber.isOpen) await subscriber.connect();
      const listener = (message: string, from: string): void => {
        if (from === channel) onMessage(message);
      };
      await subscriber.subscribe(channel, listener);
      const own = given === undefined ? subscriber : undefined;
      unsubscribe = async () => {
        await subscriber!.unsubscribe(channel, listener);
        if (own) await (own.close?.() ?? own.quit?.());
      };
    },
    unsubscribe: () => unsubscribe(),
  };
}

function ioRedisOps(client: IoRedisLike, given: IoRedisLike | undefined): RedisOps {
  let unsubscribe = async (): Promise<void> => {};
  return {
    evalScript: (script, keys, args) => client.call('EVAL', script, keys.length, ...keys, ...args),
    async subscribe(channel, onMessage) {
      const subscriber = given ?? client.duplicate();
      const listener = (from: string, message: string): void => {
        if (from === channel) onMessage(message);
      };
      subscriber.on('message', listener);
      await subscriber.subscribe(channel);
      unsubscribe = async () => {
        subscriber.removeListener('message', listener);
        if (given === undefined) await subscriber.quit();
        else await subscriber.unsubscribe(channel);
      };
    },
    unsubscribe: () => unsubscribe(),
  };
}

/**
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
