// `npm run build && node bench/http/profile.mjs [variant] [seconds]`: where one server
// variant spends its CPU under load. The server runs with `--cpu-prof` (50 µs sampling) on
// CPU 0 under wrk on CPU 1; the profile's self time is summed per function and per file
// group (Canon's dist, node: internals, dependencies, GC, idle) and printed as µs per
// request. The .cpuprofile is kept under .cache/profiles for Chrome DevTools.
// BENCH_NODE picks the Node binary, as in bench:http; BENCH_SERVER another server script.
import { execFileSync, spawn } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { hasTaskset, load, serverUsage } from '../lib/load.mjs';

const [variant = 'node:canon', seconds = '8'] = process.argv.slice(2);
const NODE = process.env.BENCH_NODE ?? process.execPath;
const root = fileURLToPath(new URL('../..', import.meta.url));
const dir = join(root, '.cache/profiles', `${variant.replace(/[^\w+-]/g, '_')}-${Date.now()}`);
mkdirSync(dir, { recursive: true });

const args = ['--cpu-prof', '--cpu-prof-interval', '50', '--cpu-prof-dir', dir, process.env.BENCH_SERVER ?? join(root, 'bench/http/server.mjs'), variant, '20990'];
const [command, argv] = hasTaskset ? ['taskset', ['-c', '0', NODE, ...args]] : [NODE, args];
const child = spawn(command, argv, { stdio: ['ignore', 'ignore', 'inherit', 'ipc'], env: { ...process.env, NODE_ENV: 'production' } });
await new Promise((resolve) => child.once('message', resolve));
const url = 'http://127.0.0.1:20990/';
await load(url, 2);
const before = await serverUsage(child);
await load(url, Number(seconds));
const after = await serverUsage(child);
const requests = after.requests;
child.kill('SIGINT');
await new Promise((resolve) => child.once('exit', resolve));

const file = readdirSync(dir).find((name) => name.endsWith('.cpuprofile'));
const profile = JSON.parse(readFileSync(join(dir, file), 'utf8'));
const byId = new Map(profile.nodes.map((node) => [node.id, node]));
const deltas = profile.timeDeltas;
const selfUs = new Map();
profile.samples.forEach((id, i) => selfUs.set(id, (selfUs.get(id) ?? 0) + (deltas[i + 1] ?? 0)));

function groupOf(frame) {
  const url = frame.url;
  if (frame.functionName === '(garbage collector)') return 'gc';
  if (frame.functionName === '(idle)') return 'idle';
  if (url.includes('/dist/')) return 'canon';
  if (url.startsWith('node:')) return 'node internals';
  if (url.includes('node_modules')) return 'dependencies';
  return url === '' ? `(${frame.functionName || 'native'})` : 'bench';
}

const functions = new Map();
const groups = new Map();
for (const [id, us] of selfUs) {
  const frame = byId.get(id).callFrame;
  const group = groupOf(frame);
  groups.set(group, (groups.get(group) ?? 0) + us);
  const key = `${frame.functionName || '(anonymous)'}  ${frame.url.replace(/^.*\/(dist|node_modules)\//, '$1/')}:${frame.lineNumber + 1}`;
  functions.set(key, (functions.get(key) ?? 0) + us);
}
const perRequest = (us) => (us / requests).toFixed(2);
const cpuUs = (after.cpu.user + after.cpu.system - before.cpu.user - before.cpu.system) / (after.requests - before.requests);
console.log(`\n${variant} on Node ${execFileSync(NODE, ['--version']).toString().trim()}: ${requests} requests, ${cpuUs.toFixed(1)} CPU µs/req in the window`);
console.log('profile:', join(dir, file), '\n\n| group | µs/req (profile, whole run) |\n|---|---:|');
for (const [group, us] of [...groups].sort((a, b) => b[1] - a[1])) console.log(`| ${group} | ${perRequest(us)} |`);
console.log('\n| function (self time) | µs/req |\n|---|---:|');
for (const [key, us] of [...functions].sort((a, b) => b[1] - a[1]).slice(0, 30)) console.log(`| ${key} | ${perRequest(us)} |`);
