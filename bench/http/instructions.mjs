// `npm run build && node bench/http/instructions.mjs [variant ...]`: machine instructions
// per request, counted by valgrind's callgrind, for server variants of bench/http/server.mjs.
// Unlike req/s and CPU time, an instruction count does not move when the host is busy or
// its clock drifts, so it is how a change to the request path is judged on a shared
// machine (it does not see time spent in the kernel: syscalls, thread handoffs, which the
// wall-clock bench:http does). Each variant: the server under callgrind, a warm-up of
// BENCH_WARMUP requests (20,000) so the JIT has settled, counters zeroed, BENCH_REQUESTS
// requests (5,000) from 16 keep-alive connections, counters dumped; every thread of the
// process counts (GC and compiler threads included). After 4,000 requests Node 26 is still
// optimizing the request path (its compiler threads and not-yet-optimized code made up
// ~30k of 71k instructions per bare request); from ~20,000 the counts stay put. Needs
// `valgrind` (apt-get install valgrind). BENCH_NODE picks the Node binary. Timestamps are cached per millisecond, and
// under callgrind a request takes longer than one: `isoTimestamp` runs once per request
// here, a little more often than on a loaded server.
import { execFile, spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);
const NODE = process.env.BENCH_NODE ?? process.execPath;
const WARMUP = Number(process.env.BENCH_WARMUP ?? 20000);
const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 5000);
const server = fileURLToPath(new URL('./server.mjs', import.meta.url));
const variants = process.argv.length > 2 ? process.argv.slice(2) : ['node:bare', 'node:canon', 'node:pino-http'];

/** Sends `count` GET / requests over `connections` keep-alive connections. */
async function drive(port, count, connections = 16) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: connections });
  let sent = 0;
  const worker = async () => {
    while (sent < count) {
      sent++;
      await new Promise((resolve, reject) => {
        http.get({ host: '127.0.0.1', port, path: '/', agent }, (res) => res.resume().on('end', resolve)).on('error', reject);
      });
    }
  };
  await Promise.all(Array.from({ length: connections }, worker));
  agent.destroy();
}

async function waitForServer(port) {
  for (let i = 0; i < 600; i++) {
    try {
      await drive(port, 1, 1);
      return;
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
  }
  throw new Error('the server under valgrind did not start');
}

async function instructionsPerRequest(variant, port) {
  const dir = mkdtempSync(join(tmpdir(), 'canon-callgrind-'));
  const child = spawn('valgrind', ['--tool=callgrind', `--callgrind-out-file=${dir}/cg.%p`, NODE, server, variant, String(port)], {
    stdio: 'ignore',
    env: { ...process.env, NODE_ENV: 'production' },
  });
  try {
    await waitForServer(port);
    await drive(port, WARMUP);
    await run('callgrind_control', ['-z', String(child.pid)]);
    await drive(port, REQUESTS);
    await run('callgrind_control', ['-d', String(child.pid)]);
  } finally {
    child.kill('SIGKILL');
  }
  const dump = readdirSync(dir).find((name) => /^cg\.\d+\.\d+$/.test(name));
  const totals = /^(?:summary|totals): (\d+)/m.exec(readFileSync(join(dir, dump), 'utf8'));
  return Number(totals[1]) / REQUESTS;
}

const version = (await run(NODE, ['--version'])).stdout.trim();
console.log(`Node ${version}, callgrind, ${WARMUP} warm-up + ${REQUESTS} measured requests, 16 connections\n`);
console.log('| variant | instructions/request | vs bare |\n|---|---:|---:|');
const bare = {};
let port = 23100;
for (const variant of variants) {
  const perRequest = await instructionsPerRequest(variant, ++port);
  const group = variant.split(':')[0];
  if (variant.endsWith(':bare')) bare[group] = perRequest;
  const ratio = bare[group] ? (perRequest / bare[group]).toFixed(2) : '–';
  console.log(`| ${variant} | ${Math.round(perRequest).toLocaleString('en-US')} | ${ratio} |`);
}
