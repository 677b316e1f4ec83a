// Shared helpers for the HTTP benchmarks: start a server variant pinned to CPU 0, drive it
// from CPU 1 with wrk (or autocannon when wrk is missing), and read back the server's own
// CPU time per request (robust against a machine whose speed drifts between runs).
import { execFile, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { promisify } from 'node:util';

const run = promisify(execFile);

export const hasTaskset = existsSync('/usr/bin/taskset');
export const hasWrk = ['/usr/bin/wrk', '/usr/local/bin/wrk'].some((path) => existsSync(path));

function pinned(cpu, command, args) {
  return hasTaskset ? ['taskset', ['-c', String(cpu), command, ...args]] : [command, args];
}

/** Spawns `node <script> <variant> <port>` on CPU 0, stdout to /dev/null; resolves once listening. */
export function startServer(script, variant, port, nodeBinary = process.execPath) {
  const [command, args] = pinned(0, nodeBinary, [script, variant, String(port)]);
  const child = spawn(command, args, {
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
    env: { ...process.env, NODE_ENV: 'production' },
  });
  return new Promise((resolve, reject) => {
    child.once('message', () => resolve(child));
    child.once('exit', (code) => reject(new Error(`${variant} exited with ${code}`)));
  });
}

export function stopServer(child) {
  return new Promise((resolve) => {
    child.once('exit', resolve);
    child.kill('SIGKILL');
  });
}

/** The server's request count and `process.cpuUsage()`, asked over IPC. */
export function serverUsage(child) {
  return new Promise((resolve) => {
    child.once('message', resolve);
    child.send('usage');
  });
}

/** Drives `url` for `seconds` from CPU 1; returns requests per second. */
export async function load(url, seconds, connections = 64) {
  if (hasWrk) {
    const [command, args] = pinned(1, 'wrk', ['-t1', `-c${connections}`, `-d${seconds}s`, url]);
    const { stdout } = await run(command, args);
    const match = /Requests\/sec:\s+([\d.]+)/.exec(stdout);
    if (!match) throw new Error(`could not parse wrk output:\n${stdout}`);
    return Number(match[1]);
  }
  const { default: autocannon } = await import('autocannon');
  const result = await autocannon({ url, connections, duration: seconds });
  return result.requests.average;
}

/** Loads a running server and returns `{ rps, cpuUs }`: req/s and server CPU µs per request. */
export async function measure(child, url, seconds) {
  const before = await serverUsage(child);
  const rps = await load(url, seconds);
  const after = await serverUsage(child);
  const cpu = after.cpu.user + after.cpu.system - before.cpu.user - before.cpu.system;
  return { rps, cpuUs: cpu / (after.requests - before.requests) };
}

export const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

/**
 * Runs every variant of `script` (each its own server, see startServer) for `rounds`
 * interleaved rounds: warm-up, then a measured window. Returns `{ [variant]: { rps: [],
 * cpuUs: [] } }`, one entry per round; progress goes to stderr. `serverOf(name)` gives the
 * `[script, variant]` a name stands for when they differ (bench/http/compare.mjs: one
 * variant in two trees).
 */
export async function runRounds(script, variants, { rounds, seconds, warmup, node, firstPort, serverOf = (name) => [script, name] }) {
  const results = Object.fromEntries(variants.map((name) => [name, { rps: [], cpuUs: [] }]));
  let port = firstPort;
  for (let round = 1; round <= rounds; round++) {
    for (const variant of variants) {
      const child = await startServer(...serverOf(variant), ++port, node);
      const url = `http://127.0.0.1:${port}/`;
      await load(url, warmup);
      const { rps, cpuUs } = await measure(child, url, seconds);
      await stopServer(child);
      results[variant].rps.push(rps);
      results[variant].cpuUs.push(cpuUs);
      console.error(`round ${round} ${variant}: ${Math.round(rps)} req/s, ${cpuUs.toFixed(1)} µs CPU/req`);
    }
  }
  return results;
}
