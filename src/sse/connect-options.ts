/**
 * @module canon/sse/connect-options
 * What a client subscribes to, validated when it connects.
 */
import { describe, invalidOption } from '../core/errors.js';
import type { SseFilterMessage } from './message.js';

export interface SseConnectOptions {
  /** Channels whose events this client receives. May be empty when `userId` is given. */
  channels: readonly string[];
  /** The user this connection belongs to: receives `publishToUser(userId, …)` events. */
  userId?: string;
  /** Called for every candidate event (live and replayed); return false to skip it. */
  filter?: (message: SseFilterMessage) => boolean;
  /**
   * Used when the request has no `Last-Event-ID` header: for clients that pass the last
   * id as a query parameter (a manual reconnect, where EventSource sends no header).
   */
  lastEventId?: string;
}

/**
 * Validates connect options; a `CanonOptionError` names the bad field.
 *
 * @example
 * checkConnectOptions({ channels: ['orders'], userId: 'u_1' });
 */
export function checkConnectOptions(options: SseConnectOptions): SseConnectOptions {
  if (options === null || typeof options !== 'object') {
    throw invalidOption('options', `expected { channels, userId?, filter? }, got ${describe(options)}`);
  }
  const { channels, userId, filter, lastEventId } = options;
  if (!Array.isArray(channels) || channels.some((c) => typeof c !== 'string' || c.length === 0)) {
    throw invalidOption('channels', `expected an array of non-empty strings, got ${describe(channels)}`);
  }
  if (userId !== undefined && (typeof userId !== 'string' || userId.length === 0)) {
    throw invalidOption('userId', `expected a non-empty string, got ${describe(userId)}`);
  }
  if (channels.length === 0 && userId === undefined) {
    throw invalidOption('channels', 'a client needs at least one channel or a userId');
  }
  if (filter !== undefined && typeof filter !== 'function') {
    throw invalidOption('filter', `expected a function, got ${describe(filter)}`);
  }
  if (lastEventId !== undefined && typeof lastEventId !== 'string') {
    throw invalidOption('lastEventId', `expected a string, got ${describe(lastEventId)}`);
  }
  return { channels: [...new Set(channels)], userId, filter, lastEventId };
}
