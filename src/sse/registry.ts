/**
 * @module canon/sse/registry
 * Which live connections listen to which channel and which user, so a publish touches
 * only its audience. Empty sets are removed, so a hub whose clients left holds nothing.
 */
import type { Connection } from './connection.js';
import type { Delivery } from './message.js';

function addTo(index: Map<string, Set<Connection>>, key: string, connection: Connection): void {
  let set = index.get(key);
  if (set === undefined) index.set(key, (set = new Set()));
  set.add(connection);
}

function removeFrom(index: Map<string, Set<Connection>>, key: string, connection: Connection): void {
  const set = index.get(key);
  if (set?.delete(connection) && set.size === 0) index.delete(key);
}

/** @internal */
export class Registry {
  private readonly byChannel = new Map<string, Set<Connection>>();
  private readonly byUser = new Map<string, Set<Connection>>();

  get channelCount(): number {
    return this.byChannel.size;
  }

  get userCount(): number {
    return this.byUser.size;
  }

  add(connection: Connection): void {
    for (const channel of connection.channels) addTo(this.byChannel, channel, connection);
    if (connection.userId !== undefined) addTo(this.byUser, connection.userId, connection);
  }

  remove(connection: Connection): void {
    for (const channel of connection.channels) removeFrom(this.byChannel, channel, connection);
    if (connection.userId !== undefined) removeFrom(this.byUser, connection.userId, connection);
  }

  /**
   * Writes `delivery` to its audience: a channel's clients, every connection of a user,
   * or a user's connections on one channel.
   */
  dispatch(delivery: Delivery): void {
    const { channel, userId } = delivery;
    if (userId !== undefined) {
      const connections = this.byUser.get(userId);
      if (connections === undefined) return;
      for (const connection of connections) {
        if (channel === undefined || connection.channels.includes(channel)) connection.deliver(delivery);
      }
      return;
    }
    const connections = channel === undefined ? undefined : this.byChannel.get(channel);
    if (connections !== undefined) for (const connection of connections) connection.deliver(delivery);
  }
}
