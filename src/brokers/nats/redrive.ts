/**
 * @module canon/nats/redrive
 * Moves a consumer's dead letters from `<stream>_DLQ` back to their original subjects.
 * The stream is shared by every durable on it, so the republished message is marked
 * `x-canon-redrive-for: <stream>/<durable>`: the other durables acknowledge and skip it.
 * It is published with `Nats-Msg-Id: redrive:<dlq>:<seq>:<stored ms>` (not the event's id, which the
 * stream's duplicate window would drop), then deleted from the dead-letter stream.
 */
import type { JetStreamClient, StoredMsg } from 'nats';
import { WireHeaders } from '../../consumer/wire.js';
import { toMsgHdrs } from './headers.js';
import { SUBJECT_HEADER } from './subscription.js';
import { deadLetterStream, isNotFound } from './topology.js';

const DEAD_LETTER_HEADERS = new Set([
  'nats-msg-id',
  WireHeaders.error,
  WireHeaders.attempts,
  WireHeaders.consumer,
  WireHeaders.failedAt,
  WireHeaders.redriveFor,
  SUBJECT_HEADER,
]);

/**
 * Redrives up to `limit` dead letters of `consumer`; resolves to how many moved.
 *
 * @example
 * await redriveNats(js, 'ORDERS', 'ORDERS/billing', 100)
 */
export async function redriveNats(
  js: JetStreamClient,
  stream: string,
  consumer: string,
  limit: number,
): Promise<number> {
  const jsm = await js.jetstreamManager();
  const dlq = deadLetterStream(stream);
  let state;
  try {
    state = (await jsm.streams.info(dlq)).state;
  } catch (err) {
    if (isNotFound(err)) return 0;
    throw err;
  }
  let moved = 0;
  for (let seq = state.first_seq; seq <= state.last_seq && moved < limit; seq++) {
    let stored: StoredMsg;
    try {
      stored = await jsm.streams.getMessage(dlq, { seq });
    } catch (err) {
      if (isNotFound(err)) continue; // deleted by an earlier redrive
      throw err;
    }
    const header = stored.header;
    const subject = header?.get(SUBJECT_HEADER);
    if (header?.get(WireHeaders.consumer) !== consumer || !subject) continue;
    await js.publish(subject, stored.data, {
      // a redrive interrupted between this publish and the delete below publishes the
      // letter again next time: the stream's duplicate window drops that second copy
      msgID: `redrive:${dlq}:${seq}:${stored.time.getTime()}`, // time: a recreated DLQ reuses seqs
      headers: toMsgHdrs({ [WireHeaders.redriveFor]: consumer }, header, DEAD_LETTER_HEADERS),
    });
    await jsm.streams.deleteMessage(dlq, seq, false);
    moved++;
  }
  return moved;
}
