// `npm run build && node bench/http/instructions.mjs [variant ...]`: machine instructions
// per request, counted by valgrind's callgrind, for server variants of bench/http/server.mjs.
// Unlike req/s and CPU time, an instruction count does not move when the host is busy or
// its clock drifts, so it is how a change to the request path is judged on a shared
// machine (it does not see time spent in the kernel: syscalls, thread handoffs, which the
// wall-clock bench:http does). Each variant: the server under callgrind, a warm-up of
// BENCH_WARMUP requests (20,000) so the JIT has settled, counters zeroed, then
// BENCH_WINDOWS windows (3) of BENCH_REQUESTS requests (5,000) from 16 keep-alive
// connections, the counters dumped after each; the median window is reported with the
// spread of all of them (a window that holds a full garbage collection counts more, so
// one window alone can mislead by several thousand per request); every thread of the
// process counts (GC and compiler threads included). After 4,000 requests Node 26 is still
// optimizing the request path (its compiler threads and not-yet-optimized code made up
// ~30k of 71k instructions per bare request); from ~20,000 the counts stay put. Needs
// `valgrind` (apt-get install valgrind). BENCH_NODE picks the Node binary. Timestamps are cached per millisecond, and
// under callgrind a request takes longer than one: `isoTimestamp` runs once per request
// here, a little more often than on a loaded server.
import { execFile } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { promisify } from 'node:util';
import { countWindows } from '../lib/callgrind-server.mjs';

const run = promisify(execFile);
const NODE = process.env.BENCH_NODE ?? process.execPath;
const WARMUP = Number(process.env.BENCH_WARMUP ?? 20000);
const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 5000);
const WINDOWS = Number(process.env.BENCH_WINDOWS ?? 3);
const variants = process.argv.length > 2 ? process.argv.slice(2) : ['node:bare', 'node:canon', 'node:pino-http'];

async function instructionsPerRequest(variant, port) {
  const { dir, dumps } = await countWindows({ node: NODE, variant, port, warmup: WARMUP, requests: REQUESTS, windows: WINDOWS });
  const perRequest = dumps.map((dump) => Number(/^(?:summary|totals): (\d+)/m.exec(readFileSync(dump, 'utf8'))[1]) / REQUESTS);
  rmSync(dir, { recursive: true, force: true });
  return perRequest.sort((a, b) => a - b);
}

const thousands = (n) => Math.round(n).toLocaleString('en-US');

const version = (await run(NODE, ['--version'])).stdout.trim();
console.log(
  `Node ${version}, callgrind, ${WARMUP} warm-up requests, then ${WINDOWS} windows of ${REQUESTS}, 16 connections\n`,
);
console.log('| variant | instructions/request (median window) | spread (min–max) | added over bare | vs bare |');
console.log('|---|---:|---:|---:|---:|');
const bare = {};
let port = 23100 + Math.floor(Math.random() * 800);
for (const variant of variants) {
  const windows = await instructionsPerRequest(variant, ++port);
  const median = windows[Math.floor(windows.length / 2)];
  const group = variant.split(':')[0];
  if (variant.endsWith(':bare')) bare[group] = median;
  const delta = median - bare[group];
  const added = bare[group] && !variant.endsWith(':bare') ? `${delta < 0 ? '−' : '+'}${thousands(Math.abs(delta))}` : '–';
  const ratio = bare[group] ? (median / bare[group]).toFixed(2) : '–';
  const spread = `${thousands(windows[0])}–${thousands(windows.at(-1))}`;
  console.log(`| ${variant} | ${thousands(median)} | ${spread} | ${added} | ${ratio} |`);
}
