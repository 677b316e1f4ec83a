// `npm run bench:outbox`: Canon's outbox vs pg-boss 12 on the same PostgreSQL, in one run.
// Each side runs in its own child process with the same Node binary. pg-boss 12 needs
// Node >= 22.12: on an older Node, a Node 24 binary is used for both sides (BENCH_NODE, or
// /tmp/node24, installed there with `npm i node@24` when missing), and pg-boss@12 is
// installed under bench/.tmp/pgboss12 (the package's own pg-boss devDependency is older).
// Env: BENCH_EVENTS (20000), BENCH_RATE (1000/s), BENCH_SECONDS (10), BENCH_PRODUCERS (8),
// BENCH_BATCH (500), BENCH_PG_URL.
import { execFileSync, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const here = (path) => fileURLToPath(new URL(path, import.meta.url));
const root = here('../../');
const bossDir = here('../.tmp/pgboss12/');
const NODE24 = '/tmp/node24/node_modules/node/bin/node';

function nodeVersion(binary) {
  return execFileSync(binary, ['--version']).toString().trim();
}

function atLeast(version, major, minor) {
  const [a, b] = version.slice(1).split('.').map(Number);
  return a > major || (a === major && b >= minor);
}

function pickNode() {
  if (process.env.BENCH_NODE) return process.env.BENCH_NODE;
  if (atLeast(process.version, 22, 12)) return process.execPath;
  if (!existsSync(NODE24)) {
    console.error('installing node@24 into /tmp/node24 (pg-boss 12 needs Node >= 22.12)');
    execFileSync('npm', ['install', '--prefix', '/tmp/node24', 'node@24', '--no-audit', '--no-fund'], {
      stdio: 'inherit',
    });
  }
  return NODE24;
}

function ensurePgBoss() {
  if (existsSync(`${bossDir}node_modules/pg-boss/package.json`)) return;
  console.error('installing pg-boss@12 into bench/.tmp/pgboss12');
  execFileSync('npm', ['install', '--prefix', bossDir, 'pg-boss@12', '--no-audit', '--no-fund'], {
    stdio: 'inherit',
  });
}

function runSide(node, script, env = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(node, [here(script)], {
      cwd: root,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout.on('data', (chunk) => (out += chunk));
    child.on('exit', (code) => {
      const last = out.trim().split('\n').at(-1);
      if (code === 0 && last) resolve(JSON.parse(last));
      else reject(new Error(`${script} exited with ${code}: ${out}`));
    });
  });
}

const node = pickNode();
ensurePgBoss();
const canon = await runSide(node, './canon.mjs');
console.error('canon:', JSON.stringify(canon));
// pg-boss's side can fail on a loaded machine (at the steady rate its pool gives up waiting
// for a connection once notifying commits queue behind a slow disk): its cells are then '—'
let bossFailure;
const boss = await runSide(node, './pgboss.mjs', {
  PGBOSS_MODULE: `${bossDir}node_modules/pg-boss/dist/index.js`,
  PG_MODULE: `${bossDir}node_modules/pg/lib/index.js`,
}).catch((error) => {
  bossFailure = error.message.split(':')[0];
  console.error(`pg-boss side failed: ${error.message}`);
  return {};
});
console.error('pg-boss:', JSON.stringify(boss));

const bossVersion = JSON.parse(
  execFileSync(node, [
    '-p',
    `JSON.stringify(require(${JSON.stringify(`${bossDir}node_modules/pg-boss/package.json`)}).version)`,
  ]).toString(),
);
const psql = (sql) =>
  execFileSync('psql', ['-At', '-h', '127.0.0.1', '-U', 'postgres', '-d', 'postgres', '-c', sql])
    .toString()
    .trim();
const pgVersion = psql('SHOW server_version');
const syncCommit = psql('SHOW synchronous_commit');
const fmt = (n) => Math.round(n).toLocaleString('en-US');
const ms = (n) => n.toFixed(1);
const events = Number(process.env.BENCH_EVENTS ?? 20_000);
const rate = Number(process.env.BENCH_RATE ?? 1_000);
const batch = Number(process.env.BENCH_BATCH ?? 500);
const rows = [
  [
    'enqueue, 1 event per transaction (events/s, higher is better)',
    canon.enqueue_single,
    boss.enqueue_single,
    fmt,
    true,
  ],
  [`enqueue, ${batch} events per transaction (events/s)`, canon.enqueue_batch, boss.enqueue_batch, fmt, true],
  [`relay / work throughput over a ${fmt(events)} backlog (events/s)`, canon.relay, boss.relay, fmt, true],
  [
    'relay throughput with one wide event per attempt (events/s)',
    canon.relay_wide_events,
    undefined,
    fmt,
    true,
  ],
  [
    `latency p50 at ${fmt(rate)}/s, write → publish (ms, lower is better)`,
    canon.latency_p50,
    boss.latency_p50,
    ms,
    false,
  ],
  [`latency p99 at ${fmt(rate)}/s (ms)`, canon.latency_p99, boss.latency_p99, ms, false],
  [
    `latency p50 at ${fmt(rate)}/s, COMMIT sent → publish (ms)`,
    canon.commit_latency_p50,
    undefined,
    ms,
    false,
  ],
  [
    `latency p99 at ${fmt(rate)}/s, COMMIT sent → publish (ms)`,
    canon.commit_latency_p99,
    undefined,
    ms,
    false,
  ],
  [
    `latency p50 at ${fmt(rate)}/s, COMMIT returned → publish (ms)`,
    canon.committed_latency_p50,
    undefined,
    ms,
    false,
  ],
  [
    `latency p99 at ${fmt(rate)}/s, COMMIT returned → publish (ms)`,
    canon.committed_latency_p99,
    undefined,
    ms,
    false,
  ],
  [
    `latency max at ${fmt(rate)}/s, COMMIT returned → publish (ms)`,
    canon.committed_latency_max,
    undefined,
    ms,
    false,
  ],
  ...[
    ['p50', canon.async_committed_latency_p50],
    ['p99', canon.async_committed_latency_p99],
    ['max', canon.async_committed_latency_max],
  ].map(([stat, value]) => [
    `latency ${stat} at ${fmt(rate)}/s, COMMIT returned → publish, producers on synchronous_commit off (ms)`,
    value,
    undefined,
    ms,
    false,
  ]),
];
process.stdout.write(
  `\nNode ${nodeVersion(node)}, PostgreSQL ${pgVersion}, pg-boss ${bossVersion} (useListenNotify, queue notify: true), ` +
    `${process.env.BENCH_PRODUCERS ?? 8} concurrent producers for throughput, up to ${process.env.BENCH_LATENCY_CONNECTIONS ?? 32} connections at the steady rate; ` +
    `relay batchSize ${batch}, concurrency 50, own pool / pg-boss work batchSize ${batch}, burstWhenBatchFull; ` +
    `latency over ${canon.latency_events} events offered at ${fmt(rate)}/s (Canon's producers committed ${fmt(canon.latency_commit_rate)}/s), from the start of the write (Canon: INSERT + COMMIT, pg-boss: send) to publish / handler, ` +
    `and for Canon also from the COMMIT sent and from the COMMIT returned to the producer ` +
    `(${canon.committed_published_first} events published before their producer saw the COMMIT return, counted as negative); ` +
    `a bare SELECT 1 on a connection of its own took p50 ${ms(canon.round_trip_p50)} / p99 ${ms(canon.round_trip_p99)} ms during Canon's latency run; ` +
    `with producers on synchronous_commit off, they committed ${fmt(canon.async_commit_rate)}/s and the SELECT 1 p99 was ${ms(canon.async_round_trip_p99)} ms; ` +
    `one run, same database, synchronous_commit ${syncCommit}` +
    `${bossFailure ? `; pg-boss's side failed (${bossFailure}, its error above), its cells are —` : ''}\n\n`,
);
process.stdout.write('| measure | Canon outbox | pg-boss 12 | Canon / pg-boss |\n|---|---:|---:|---:|\n');
for (const [label, c, b, format, higherIsBetter] of rows) {
  const ratio = b === undefined ? '—' : `${(higherIsBetter ? c / b : b / c).toFixed(2)}×`;
  process.stdout.write(`| ${label} | ${format(c)} | ${b === undefined ? '—' : format(b)} | ${ratio} |\n`);
}
process.stdout.write(
  '\nRatio: how many times better Canon is (throughput: Canon ÷ pg-boss; latency: pg-boss ÷ Canon).\n',
);
