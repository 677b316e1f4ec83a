import { PGlite } from '@electric-sql/pglite';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { consume, type MessageSource, pgInbox, pgliteInbox, redrive } from '../../src/consumer/index.js';
import { defineEvent } from '../../src/events/index.js';
import { createCanon, memorySink } from '../../src/index.js';

// A source value for option checks only: consume validates before subscribing.
const source: MessageSource = {
  kind: 'test',
  consumer: 'test',
  subscribe: () => Promise.reject(new Error('not reached')),
  redrive: async () => 0,
};
const canon = createCanon({ service: 'test', sinks: [memorySink()], handleExit: false });
const handler = async () => {};
const Placed = defineEvent('order.placed', { schema: z.object({ n: z.number() }) });

async function optionOf(options: unknown): Promise<string> {
  try {
    await consume(options as never);
  } catch (err) {
    expect(err).toBeInstanceOf(TypeError);
    expect((err as { code: string }).code).toBe('CANON_INVALID_OPTION');
    return (err as { option: string }).option;
  }
  throw new Error('expected consume to reject');
}

describe('consume options', () => {
  it.each([
    [{ source, handler }, 'canon'],
    [{ canon, handler }, 'source'],
    [{ canon, source }, 'handler'],
    [{ canon, source, handler, concurrency: 0 }, 'concurrency'],
    [{ canon, source, handler, concurrency: 1.5 }, 'concurrency'],
    [{ canon, source, handler, retry: 3 }, 'retry'],
    [{ canon, source, handler, retry: { maxAttempts: 0 } }, 'retry.maxAttempts'],
    [{ canon, source, handler, retry: { attempts: 3 } }, 'retry.attempts'],
    [{ canon, source, handler, retry: { backoff: { baseMs: -1 } } }, 'retry.backoff.baseMs'],
    [{ canon, source, handler, retry: { backoff: { baseMs: 100, maxMs: 10 } } }, 'retry.backoff.maxMs'],
    [{ canon, source, handler, inbox: {} }, 'inbox'],
    [{ canon, source, handler, events: Placed }, 'events'],
    [{ canon, source, handler, events: [Placed, { type: 'x' }] }, 'events[1]'],
    [{ canon, source, handler, events: [Placed, Placed] }, 'events[1]'],
    [{ canon, source, handler, onError: 'log' }, 'onError'],
    [{ canon, source, handler, concurency: 2 }, 'concurency'],
    [null, 'options'],
  ])('rejects %o naming %s', async (options, option) => {
    expect(await optionOf(options)).toBe(option);
  });

  it('rejects bad redrive options and inbox arguments', async () => {
    await expect(redrive({ source, limit: 0 })).rejects.toMatchObject({ option: 'limit' });
    await expect(redrive({ source: {} as never })).rejects.toMatchObject({ option: 'source' });
    expect(() => pgInbox({} as never)).toThrow(expect.objectContaining({ option: 'pool' }));
    expect(() => pgliteInbox(null as never)).toThrow(expect.objectContaining({ option: 'db' }));
    const db = new PGlite();
    expect(() => pgliteInbox(db, { table: 'inbox; DROP TABLE x' })).toThrow(
      expect.objectContaining({ option: 'table' }),
    );
    expect(() => pgliteInbox(db, { tabel: 'x' } as never)).toThrow(
      expect.objectContaining({ option: 'tabel' }),
    );
    await expect(pgliteInbox(db).cleanup(-1)).rejects.toMatchObject({ option: 'olderThanMs' });
    await db.close();
  });

  it('migrates the inbox idempotently and cleans up old records', async () => {
    const db = new PGlite();
    const inbox = pgliteInbox(db, { table: 'app_inbox' });
    await inbox.migrate();
    await inbox.migrate();
    expect(await inbox.run('c', 'e1', async () => {})).toBe(true);
    expect(await inbox.run('c', 'e1', async () => {})).toBe(false);
    expect(await inbox.run('other', 'e1', async () => {})).toBe(true);
    await db.query(`UPDATE app_inbox SET processed_at = now() - interval '2 days' WHERE consumer = 'c'`);
    expect(await inbox.cleanup(24 * 3600 * 1000)).toBe(1);
    const { rows } = await db.query('SELECT consumer FROM app_inbox');
    expect(rows).toEqual([{ consumer: 'other' }]);
    await db.close();
  });
});
