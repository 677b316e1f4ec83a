/**
 * @module canon/sse/hub-types
 * The public shape of a hub: what it connects, publishes and reports.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { SseConnectOptions } from './connect-options.js';
import type { SseClient } from './connection.js';
import type { SseMessage } from './message.js';

/** A channel publish; `userId` narrows it to that user's connections on the channel. */
export interface SseChannelMessage extends SseMessage {
  userId?: string;
}

export interface SseHubStats {
  /** Open streams. */
  clients: number;
  /** Channels with at least one client. */
  channels: number;
  /** Users with at least one client. */
  users: number;
  /** `publish` and `publishToUser` calls accepted by this hub. */
  events_published: number;
  /** Clients disconnected for exceeding `maxBufferBytes`. */
  clients_dropped: number;
  /** Failed backplane calls (also on `diagnostics_channel` `canon:sse:backplane-error`). */
  backplane_errors: number;
}

/** `Id` is `string`, or `Promise<string>` with a backplane (the id comes from it). */
export interface SseHub<Id extends string | Promise<string> = string> {
  /** Streams to a node response (node:http, Express, Fastify `reply.raw`, Koa `ctx.res`). */
  connect(req: IncomingMessage, res: ServerResponse, options: SseConnectOptions): SseClient;
  /** Streams as a web `Response` (Hono, fetch-style servers). */
  response(request: Request, options: SseConnectOptions): Response;
  /** Sends to every client of `channel`; returns the event's id. */
  publish(channel: string, message: SseChannelMessage): Id;
  /** Sends to every connection of `userId`, whatever its channels; returns the event's id. */
  publishToUser(userId: string, message: SseMessage): Id;
  stats(): SseHubStats;
  /**
   * Resolves once the hub serves replay correctly: at once without a backplane, with one
   * when it is subscribed (or gave up after 5 s). Connections made before simply wait.
   */
  ready(): Promise<void>;
  /** Ends every stream, stops timers and the backplane subscription. */
  close(): Promise<void>;
}
