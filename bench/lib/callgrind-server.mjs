// A bench/http/server.mjs variant under valgrind's callgrind, driven with GET / over
// keep-alive connections, for the harnesses that count instructions
// (bench/http/instructions.mjs, functions.mjs). Under valgrind a server takes seconds to
// start and answers slowly, so requests are counted exactly and a reset kept-alive socket
// is retried rather than failing the run.
import { execFile, spawn } from 'node:child_process';
import { mkdtempSync, readdirSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);
const server = fileURLToPath(new URL('../http/server.mjs', import.meta.url));

/** One GET /; resolves true once answered, false when the connection was reset. */
function get(port, agent) {
  return new Promise((resolve) => {
    http.get({ host: '127.0.0.1', port, path: '/', agent }, (res) => res.resume().on('end', () => resolve(true))).on('error', () => resolve(false));
  });
}

/**
 * Sends `count` GET / requests over `connections` keep-alive connections. A request whose
 * kept-alive socket the server closed as it was reused (a race of keep-alive itself) is
 * sent again; the server is given up on after 100 failures in a row.
 */
async function drive(port, count, connections = 16) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: connections });
  let sent = 0;
  let failures = 0;
  const worker = async () => {
    while (sent < count) {
      sent++;
      if (await get(port, agent)) {
        failures = 0;
      } else {
        sent--;
        if (++failures > 100) throw new Error(`no answer from port ${port}`);
      }
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


/**
 * Starts `variant` under callgrind (with `nodeArgs` before the script), sends `warmup`
 * requests so the JIT settles, zeroes the counters, then counts `windows` windows of
 * `requests` requests, dumping after each. Returns the directory and the dump files, in
 * window order, and the server's pid (valgrind's own).
 *
 * @example
 * const { dir, dumps } = await countWindows({ node: process.execPath, variant: 'node:bare', port: 23101, warmup: 20000, requests: 5000, windows: 3 });
 */
export async function countWindows({ node, nodeArgs = [], variant, port, warmup, requests, windows }) {
  const dir = mkdtempSync(join(tmpdir(), 'canon-callgrind-'));
  const args = ['--tool=callgrind', `--callgrind-out-file=${dir}/cg.%p`, node, ...nodeArgs, server, variant, String(port)];
  const child = spawn('valgrind', args, { stdio: 'ignore', env: { ...process.env, NODE_ENV: 'production' } });
  try {
    await waitForServer(port);
    await drive(port, warmup);
    await run('callgrind_control', ['-z', String(child.pid)]);
    for (let window = 0; window < windows; window++) {
      await drive(port, requests);
      await run('callgrind_control', ['-d', String(child.pid)]); // dumps, then counts from zero
    }
  } finally {
    child.kill('SIGKILL');
  }
  const part = (name) => Number(name.split('.')[2]);
  const dumps = readdirSync(dir)
    .filter((name) => /^cg\.\d+\.\d+$/.test(name))
    .sort((a, b) => part(a) - part(b))
    .map((name) => join(dir, name));
  return { dir, dumps, pid: child.pid };
}
