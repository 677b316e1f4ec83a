// `npm run build && node bench/http/functions.mjs <variant> [baseline]`: where a server
// variant of bench/http/server.mjs spends its instructions, per request and by function,
// counted by valgrind's callgrind: the server runs with node's `--perf-basic-prof` (so the
// JIT's code can be named), gets BENCH_WARMUP requests (20,000) to settle, then one window
// of BENCH_REQUESTS (5,000) is counted. Self instructions per request are printed for the
// top BENCH_TOP functions (40): node's and V8's C++ by symbol, JavaScript as V8 names it
// (`*` optimized, `^` baseline, `~` interpreted). With a baseline variant (`node:bare`),
// both are counted and the difference per function is printed instead: what the variant
// adds. One window, so a function's count is good to about ±1k; totals are better read
// from bench:http:instructions, which takes the median of three. BENCH_NODE picks the Node
// binary. Needs `valgrind` and `callgrind_control`.
import { execFile } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { promisify } from 'node:util';
import { countWindows } from '../lib/callgrind-server.mjs';

const run = promisify(execFile);
const NODE = process.env.BENCH_NODE ?? process.execPath;
const WARMUP = Number(process.env.BENCH_WARMUP ?? 20000);
const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 5000);
const TOP = Number(process.env.BENCH_TOP ?? 40);
const [variant, baseline] = process.argv.slice(2);
if (!variant) throw new Error('usage: node bench/http/functions.mjs <variant> [baseline]');

/** The perf map's code ranges, sorted, and a lookup of the JavaScript function at an address. */
function perfMap(path) {
  const ranges = existsSync(path)
    ? readFileSync(path, 'utf8').split('\n').filter(Boolean).map((line) => {
        const [start, size, ...name] = line.split(' ');
        return [Number.parseInt(start, 16), Number.parseInt(size, 16), name.join(' ')];
      })
    : [];
  ranges.sort((a, b) => a[0] - b[0]);
  return (address) => {
    let low = 0;
    let high = ranges.length - 1;
    while (low <= high) {
      const mid = (low + high) >> 1;
      const [start, size, name] = ranges[mid];
      if (address < start) high = mid - 1;
      else if (address >= start + size) low = mid + 1;
      else return name;
    }
    return 'JIT code (unnamed)';
  };
}

/**
 * Self instructions per function in a callgrind dump. callgrind names code without a
 * symbol by its address (`0x…`): those are looked up in the perf map. A cost line right
 * after `calls=` is the call's inclusive cost, not the caller's own, and is skipped.
 */
function selfCosts(dump, nameAt) {
  const names = new Map();
  const costs = new Map();
  let current;
  let inclusive = false;
  for (const line of readFileSync(dump, 'utf8').split('\n')) {
    const fn = /^(c?)fn=\((\d+)\)(?: (.*))?$/.exec(line);
    if (fn) {
      if (fn[3] !== undefined) names.set(fn[2], fn[3]);
      if (fn[1] === '') current = names.get(fn[2]);
    } else if (line.startsWith('calls=')) {
      inclusive = true;
    } else if (/^[+\-*\d]/.test(line)) {
      if (inclusive) inclusive = false;
      else {
        const cost = Number(line.split(' ')[1] ?? 0);
        if (cost) costs.set(current, (costs.get(current) ?? 0) + cost);
      }
    }
  }
  const byFunction = new Map();
  for (const [name, cost] of costs) {
    const address = /^0x0*([0-9a-f]+)$/.exec(name ?? '');
    const label = address ? nameAt(Number.parseInt(address[1], 16)) : name;
    byFunction.set(label, (byFunction.get(label) ?? 0) + cost / REQUESTS);
  }
  return byFunction;
}

async function profile(variant, port) {
  const args = { node: NODE, nodeArgs: ['--perf-basic-prof'], variant, port, warmup: WARMUP, requests: REQUESTS, windows: 1 };
  const { dir, dumps, pid } = await countWindows(args);
  const map = `/tmp/perf-${pid}.map`; // node's perf map; under valgrind its pid is valgrind's own
  const costs = selfCosts(dumps[0], perfMap(map));
  rmSync(dir, { recursive: true, force: true });
  rmSync(map, { force: true });
  return costs;
}

const short = (name) => (name.length > 110 ? `${name.slice(0, 107)}...` : name);
const port = 23900 + Math.floor(Math.random() * 90);
const version = (await run(NODE, ['--version'])).stdout.trim();
const measured = await profile(variant, port);
const base = baseline ? await profile(baseline, port + 1) : new Map();
const total = (costs) => [...costs.values()].reduce((sum, cost) => sum + cost, 0);
console.log(`Node ${version}, callgrind, ${WARMUP} warm-up requests, then ${REQUESTS} counted, 16 connections`);
console.log(`${variant}: ${Math.round(total(measured)).toLocaleString('en-US')} instructions/request` +
  (baseline ? `; ${baseline}: ${Math.round(total(base)).toLocaleString('en-US')}` : '') + '\n');
const rows = [...new Set([...measured.keys(), ...base.keys()])]
  .map((name) => [name, (measured.get(name) ?? 0) - (base.get(name) ?? 0)])
  .sort((a, b) => Math.abs(b[1]) - Math.abs(a[1]))
  .slice(0, TOP);
console.log(`| function (self) | instructions/request${baseline ? ` over ${baseline}` : ''} |\n|---|---:|`);
for (const [name, cost] of rows) console.log(`| ${short(name).replaceAll('|', '\\|')} | ${Math.round(cost).toLocaleString('en-US')} |`);
