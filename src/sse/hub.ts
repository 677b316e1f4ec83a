/**
 * @module canon/sse/hub
 * `createSseHub`: channels, per-user delivery, heartbeats, `Last-Event-ID` replay,
 * slow-client limits, cleanup on disconnect, and an optional backplane joining the hubs
 * of several instances. A publish is framed once and written to each client without
 * waiting for any of them.
 */
import type { SseBackplane } from './backplane.js';
import { type BackplaneLink, linkBackplane } from './backplane-link.js';
import { checkConnectOptions, type SseConnectOptions } from './connect-options.js';
import { Connection, type ConnectionOwner } from './connection.js';
import { type CloseReason, type RequestInfo, startConnectionUnit } from './connection-event.js';
import { connectNode, connectWeb } from './endpoints.js';
import { Frame } from './frame.js';
import { frameEvent, frameRetry } from './framing.js';
import type { SseHub } from './hub-types.js';
import { type Delivery, type Envelope, toDelivery, toEnvelope } from './message.js';
import { resolveHubOptions, type SseHubOptions } from './options.js';
import { Registry } from './registry.js';
import { ReplayBuffer } from './replay-buffer.js';
import type { Transport } from './transport.js';

/**
 * Creates a hub. Without a backplane ids count up from the hub's start time in
 * microseconds (so a restarted process never reuses an id); with one they come from it.
 *
 * @example
 * import { createSseHub } from 'canon/sse';
 * const hub = createSseHub({ canon, heartbeatMs: 15_000 });
 * app.get('/events', (req, res) => hub.connect(req, res, { channels: ['orders'], userId: req.user.id }));
 * hub.publish('orders', { event: 'order.placed', data: { id: 'o_1' } });
 */
export function createSseHub(options: SseHubOptions & { backplane: SseBackplane }): SseHub<Promise<string>>;
export function createSseHub(options?: SseHubOptions & { backplane?: undefined }): SseHub<string>;
export function createSseHub(options?: SseHubOptions): SseHub<string | Promise<string>>;
export function createSseHub(options?: SseHubOptions): SseHub<string | Promise<string>> {
  const config = resolveHubOptions(options);
  let seq = Date.now() * 1000;
  const buffer = new ReplayBuffer(config.replaySize, config.backplane ? undefined : seq);
  const registry = new Registry();
  const clients = new Set<Connection>();
  const retryFrame = config.retryMs === undefined ? undefined : Frame.of(frameRetry(config.retryMs));
  const stats = { events_published: 0, clients_dropped: 0, backplane_errors: 0 };
  /** Connections that wait for the backplane to be ready, with their `Last-Event-ID`. */
  let waiting: [Connection, string | undefined][] | undefined = config.backplane ? [] : undefined;
  let heartbeat: NodeJS.Timeout | undefined;
  let closing: Promise<void> | undefined;
  let markReady!: () => void;
  const ready = new Promise<void>((resolve) => (markReady = resolve));
  if (!config.backplane) markReady();

  const owner: ConnectionOwner & { epoch: number } = {
    maxBufferBytes: config.maxBufferBytes,
    epoch: 0,
    detach(connection: Connection, reason: CloseReason) {
      clients.delete(connection);
      if (connection.live) registry.remove(connection);
      if (reason === 'slow_client') stats.clients_dropped++;
      if (clients.size === 0 && heartbeat !== undefined) heartbeat = void clearInterval(heartbeat);
    },
  };

  function beat(): void {
    for (const connection of clients) connection.pingIfIdle();
    owner.epoch++;
  }

  /** Tells live clients they may have missed events (`event: reset`), so they reload. */
  function resetLive(id: string | undefined): void {
    const frame = Frame.of(frameEvent(id, 'reset', JSON.stringify({ reason: 'gap' })));
    for (const connection of clients) if (connection.live) connection.write(frame);
  }

  function receive(at: number, envelope: Envelope | undefined): Delivery | undefined {
    const verdict = buffer.advance(at);
    if (verdict === 'duplicate') return undefined;
    if (verdict === 'gap') resetLive(String(at - 1));
    if (envelope === undefined) return undefined;
    const delivery = toDelivery(at, envelope);
    buffer.push(delivery);
    if (closing === undefined) registry.dispatch(delivery);
    return delivery;
  }

  function goLive(connection: Connection, lastEventId: string | undefined): void {
    if (connection.closed) return;
    if (lastEventId) replay(connection, lastEventId);
    // any write may have ended it (the stream gone, a slow client): a closed connection
    // has already been detached, so adding it now would leave it in the registry forever
    if (connection.closed) return;
    connection.live = true;
    registry.add(connection);
  }

  function replay(connection: Connection, lastEventId: string): void {
    const from = buffer.resolve(lastEventId);
    const missed = from === undefined ? undefined : buffer.since(from);
    let reason: 'too_large' | 'too_old' | 'unknown';
    if (missed !== undefined) {
      if (connection.replay(missed)) return;
      reason = 'too_large'; // more than maxBufferBytes: the client reloads instead
    } else {
      reason =
        from !== undefined && buffer.floor !== undefined && from < buffer.floor ? 'too_old' : 'unknown';
    }
    const id = buffer.head === undefined ? undefined : String(buffer.head);
    connection.write(
      Frame.of(frameEvent(id, 'reset', JSON.stringify({ reason, last_event_id: lastEventId }))),
    );
  }

  function open(
    transport: Transport,
    request: RequestInfo,
    options: SseConnectOptions,
    header?: string,
  ): Connection {
    const { channels, userId, filter } = options;
    const unit = config.canon ? startConnectionUnit(config.canon, request, channels, userId) : undefined;
    const lastEventId = header || options.lastEventId;
    if (lastEventId) unit?.set('last_event_id', lastEventId);
    const connection = new Connection(owner, transport, channels, userId, filter, unit);
    clients.add(connection);
    if (closing !== undefined) {
      connection.end('hub_closed');
      return connection;
    }
    if (heartbeat === undefined && config.heartbeatMs > 0) {
      heartbeat = setInterval(beat, Math.max(1, config.heartbeatMs >> 1));
    }
    if (retryFrame !== undefined) connection.write(retryFrame);
    if (waiting === undefined) goLive(connection, lastEventId);
    else waiting.push([connection, lastEventId]);
    return connection;
  }

  const link: BackplaneLink | undefined = config.backplane
    ? linkBackplane(config.backplane, {
        receive,
        ready() {
          markReady();
          const pending = waiting ?? [];
          waiting = undefined;
          for (const [connection, lastEventId] of pending) goLive(connection, lastEventId);
        },
        error() {
          stats.backplane_errors++;
        },
        gap() {
          buffer.forget();
          resetLive(undefined);
        },
      })
    : undefined;

  function send(envelope: Envelope): string | Promise<string> {
    stats.events_published++;
    if (link === undefined) return receive(++seq, envelope)!.id;
    if (closing !== undefined) {
      const rejected = Promise.reject(new Error('canon/sse: the hub is closed'));
      rejected.catch(() => {});
      return rejected;
    }
    const id = link.publish(envelope).then((at) => envelope.i ?? String(at));
    id.catch(() => {});
    return id;
  }

  return {
    connect(req, res, options) {
      const checked = checkConnectOptions(options);
      return connectNode(req, res, (transport, request, header) => open(transport, request, checked, header));
    },
    response(request, options) {
      const checked = checkConnectOptions(options);
      return connectWeb(request, (transport, info, header) => open(transport, info, checked, header));
    },
    publish(channel, message) {
      return send(toEnvelope({ channel, userId: message?.userId }, message, 'channel'));
    },
    publishToUser(userId, message) {
      return send(toEnvelope({ userId }, message, 'userId'));
    },
    stats: () => ({
      clients: clients.size,
      channels: registry.channelCount,
      users: registry.userCount,
      ...stats,
    }),
    ready: () => ready,
    close() {
      closing ??= (async () => {
        for (const connection of [...clients]) connection.end('hub_closed');
        if (heartbeat !== undefined) heartbeat = void clearInterval(heartbeat);
        await link?.close();
      })();
      return closing;
    },
  };
}
