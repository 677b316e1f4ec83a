/**
 * @module canon/console/dead-letters
 * The Dead letters page's data: messages the consumer runtime dead-lettered, read from
 * the buffered wide events (`kind: 'message'`, `message.result: 'dead_lettered'`), per
 * consumer; and redrive through the consumer's source when the console was given it
 * (`createConsole({ consumers: [source] })`). Letters older than a consumer's last
 * redrive from this console are not shown again.
 */
import { redrive } from '../consumer/redrive.js';
import type { MessageSource } from '../consumer/source.js';
import { ApiError } from './respond.js';
import type { ConsoleSink } from './sink.js';

export interface DeadLetterRow {
  timestamp: string;
  consumer: string;
  source: string;
  subject: string;
  attempts: number;
  event_type?: string;
  event_id?: string;
  error?: string;
  trace_id?: string;
}

type Message = { source?: string; consumer?: string; subject_or_queue?: string; attempt?: number; result?: string };

function toRow(event: Record<string, any>): DeadLetterRow | undefined {
  const message: Message | undefined = event.message;
  if (event.kind !== 'message' || message?.result !== 'dead_lettered') return undefined;
  return {
    timestamp: String(event.timestamp),
    consumer: String(message.consumer),
    source: String(message.source),
    subject: String(message.subject_or_queue),
    attempts: Number(message.attempt),
    event_type: event.event?.type,
    event_id: event.event?.id,
    error: event.error ? `${event.error.type}: ${event.error.message}` : undefined,
    trace_id: event.trace_id,
  };
}

/**
 * @example
 * const letters = createDeadLetters(sink, [natsSource({ js, stream: 'ORDERS', durable: 'billing' })]);
 * await letters.overview();
 */
export function createDeadLetters(sink: ConsoleSink, consumers: readonly MessageSource[]) {
  const redrivenAt = new Map<string, string>();
  const sourceKey = (source: string, consumer: string) => `${source}\n${consumer}`;

  return {
    /** `GET api/dead-letters` → `{ consumers, letters }` (newest first). */
    overview() {
      const letters: DeadLetterRow[] = [];
      for (const { line } of sink.entries()) {
        if (!line.includes('"dead_lettered"')) continue;
        const row = toRow(JSON.parse(line));
        if (!row) continue;
        const since = redrivenAt.get(sourceKey(row.source, row.consumer));
        if (since === undefined || row.timestamp > since) letters.push(row);
      }
      letters.reverse();
      return {
        consumers: consumers.map((source) => ({ source: source.kind, consumer: source.consumer })),
        letters,
      };
    },
    /** `POST api/dead-letters-redrive` with `{ source, consumer }` → `{ redriven }`. */
    async redrive(body: Record<string, unknown>) {
      const source = consumers.find((s) => s.kind === body.source && s.consumer === body.consumer);
      if (!source)
        throw new ApiError(
          404,
          `no consumer ${String(body.consumer)} (${String(body.source)}) was given to createConsole({ consumers })`,
        );
      const at = new Date().toISOString();
      const moved = await redrive({ source });
      redrivenAt.set(sourceKey(source.kind, source.consumer), at);
      return { redriven: moved };
    },
  };
}
