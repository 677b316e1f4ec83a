/**
 * The broker kill storm, run against each broker by its test file: messages published,
 * consumer processes (2 competing, each prefetching and running 4 handlers at once)
 * SIGKILLed mid-handler 10 times in all at seeded points and restarted. At the end every
 * id is accounted for: each message handled exactly once in the handler's table (the
 * inbox deduplicates redeliveries), each poison message in the dead-letter queue with its
 * error, nothing else there, nothing left unacknowledged.
 * Sizes: CRASH_SCALE=full → 10,000 messages; CI → 1,500 (same kills). Seed: CRASH_SEED.
 */
import { type ChildProcess, fork } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createEvent, defineEvent } from '../../src/events/index.js';
import { between, CRASH_SEED, scaled, seededRandom } from '../helpers/crash.js';
import { uniqueName, until } from '../outbox/harness.js';
import { type BrokerHarness, type BrokerName, harnesses } from './harness/index.js';

const fixture = fileURLToPath(new URL('./fixtures/storm-child.ts', import.meta.url));
const PG_URL = 'postgres://postgres@127.0.0.1:5432/test';
const Reserved = defineEvent('stock.reserved');
const MESSAGES = scaled(1_500, 10_000);
const POISON_EVERY = 500;
const KILLS = 10;
const SLOTS = 2;

export function brokerStorm(broker: BrokerName) {
  const schema = uniqueName('canon_storm');
  const pool = new pg.Pool({ connectionString: PG_URL, max: 4 });
  const handled = `"${schema}".handled`;
  const inbox = `${schema}.inbox`;
  const children = new Set<ChildProcess>();
  let h: BrokerHarness;

  beforeAll(async () => {
    h = await harnesses[broker]();
    await pool.query(`CREATE SCHEMA "${schema}"`);
    await pool.query(`CREATE TABLE ${handled} (event_id text NOT NULL, n int, instance text)`);
  });
  afterAll(async () => {
    for (const child of children) child.kill('SIGKILL');
    await h.cleanup();
    await pool.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await pool.end();
  });

  function spawnConsumer(instance: string) {
    const child = fork(fixture, [broker, JSON.stringify(h.names), 'storm', PG_URL, inbox, handled, instance], {
      execArgv: ['--import', 'tsx'],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    children.add(child);
    return child;
  }

  /** Runs incarnations in one slot, killing each after a seeded number of handler starts. */
  async function slot(index: number, kills: number[], random: () => number, budget: () => boolean) {
    for (let incarnation = 0; ; incarnation++) {
      const child = spawnConsumer(`s${index}-${incarnation}`);
      const exited = once(child, 'exit');
      if (!budget()) return;
      const killAfter = between(random, 5, Math.max(10, Math.floor(MESSAGES / (KILLS + 2))));
      let started = 0;
      await new Promise<void>((resolve) => {
        child.on('message', (message: { handling?: string }) => {
          // mid-handler: the row is inserted, the inbox transaction not committed yet
          if (message.handling && ++started === killAfter) resolve();
        });
        void exited.then(() => resolve());
      });
      child.kill('SIGKILL');
      await exited;
      children.delete(child);
      kills.push(started);
    }
  }

  it(`${MESSAGES} messages, consumers SIGKILLed mid-handler ${KILLS}× (seed ${CRASH_SEED}): each handled exactly once, poison in the DLQ`, {
    timeout: 600_000,
  }, async () => {
    const publish = h.publisher();
    const events = Array.from({ length: MESSAGES }, (_, n) =>
      createEvent(Reserved, n % POISON_EVERY === POISON_EVERY - 1 ? { n, poison: true } : { n }),
    );
    const poison = new Set(events.filter((e) => (e.data as { poison?: boolean }).poison).map((e) => e.id));
    // the first consumer creates the group/durable/queue before anything is published
    const first = spawnConsumer('setup');
    await new Promise<void>((resolve, reject) => {
      first.on('message', (m: { ready?: boolean }) => m.ready && resolve());
      first.once('exit', (code) => reject(new Error(`the first consumer exited (${code}) before subscribing`)));
    });
    first.kill('SIGKILL');
    await once(first, 'exit');
    children.delete(first);

    const kills: number[][] = [[], []];
    let killed = 0;
    const budget = () => killed++ < KILLS;
    const slots = Array.from({ length: SLOTS }, (_, i) => slot(i, kills[i], seededRandom(CRASH_SEED + i), budget));
    for (let i = 0; i < events.length; i += 100) {
      await Promise.all(events.slice(i, i + 100).map((event) => publish(event, { topic: event.type, key: null, attempt: 1 })));
    }
    await Promise.all(slots);
    expect(kills.flat()).toHaveLength(KILLS);

    const good = events.filter((event) => !poison.has(event.id));
    const count = async () => (await pool.query(`SELECT count(*)::int AS n FROM ${handled}`)).rows[0].n as number;
    await until(async () => (await count()) >= good.length, 300_000, 'every message handled');
    await until(async () => (await h.deadLetters('storm')).length >= poison.size, 60_000, 'the poison dead-lettered');
    await until(async () => (await h.backlog('storm')) === 0, 60_000, 'an empty backlog');

    const rows = (await pool.query<{ event_id: string; times: number }>(
      `SELECT event_id, count(*)::int AS times FROM ${handled} GROUP BY event_id`,
    )).rows;
    expect(rows.filter((row) => row.times !== 1)).toEqual([]);
    expect(new Set(rows.map((row) => row.event_id))).toEqual(new Set(good.map((event) => event.id)));
    const dead = await h.deadLetters('storm');
    expect(dead.map((letter) => JSON.parse(letter.body).id).sort()).toEqual([...poison].sort());
    for (const letter of dead) expect(letter.error).toMatch(/poison pill \d+/);
    console.info(`${broker} storm: ${good.length} handled once, ${dead.length} dead-lettered, kills after ${kills.map((k) => k.join('/')).join(' | ')} handler starts`);
  });
}
