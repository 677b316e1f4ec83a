// `npm run bench:http [group]`: bare servers vs Canon vs peers, measured in one run.
// Each variant runs alone on CPU 0, the load generator on CPU 1, stdout to /dev/null.
// Variants are interleaved over several rounds; medians are reported, with the spread of
// the CPU time across rounds. Two measures: req/s against the bare server, and the server's
// own CPU time per request, from which the CPU a logger adds to the bare server follows
// (far less sensitive to the machine's speed drift than req/s). For a measure that does
// not move with the host's load at all, see bench/http/instructions.mjs.
import { fileURLToPath } from 'node:url';
import { hasTaskset, hasWrk, median, runRounds } from '../lib/load.mjs';

const script = fileURLToPath(new URL('./server.mjs', import.meta.url));
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 8);
const WARMUP = Number(process.env.BENCH_WARMUP ?? 3);
const NODE = process.env.BENCH_NODE ?? process.execPath;

const groups = {
  node: ['node:bare', 'node:als', 'node:canon', 'node:pino-http', 'node:pino-http+sync4k'],
  'node-writehead': ['node-writehead:bare', 'node-writehead:canon', 'node-writehead:pino-http'],
  express: ['express:bare', 'express:als', 'express:canon', 'express:pino-http', 'express:evlog'],
  fastify: ['fastify:bare', 'fastify:als', 'fastify:canon', 'fastify:logger'],
  hono: ['hono:bare', 'hono:als', 'hono:canon', 'hono:pino-http'],
  koa: ['koa:bare', 'koa:als', 'koa:canon', 'koa:pino-http'],
  // not in the default run: `npm run bench:http features`
  features: [
    'node:bare',
    'node:canon',
    'node:canon+metrics',
    'node:canon+dynamic',
    'node:canon+audit',
    'node:canon+enrichers',
    'node:canon+channel',
    'node:canon+all',
  ],
};
const only = process.argv[2];
const selected = Object.entries(groups).filter(([group]) => (only ? only === group : group !== 'features'));
const variants = selected.flatMap(([, names]) => names);

// ports below the kernel's ephemeral range (32768+), where client sockets of other
// processes can already hold a port
const results = await runRounds(script, variants, { rounds: ROUNDS, seconds: SECONDS, warmup: WARMUP, node: NODE, firstPort: 20100 });

const { stdout } = await import('node:process');
const version = (await import('node:child_process')).execFileSync(NODE, ['--version']).toString().trim();
stdout.write(
  `\nNode ${version}, ${hasWrk ? 'wrk -t1 -c64' : 'autocannon -c64'}, ` +
    `${hasTaskset ? 'server on CPU 0, load on CPU 1' : 'no CPU pinning'}, ` +
    `${ROUNDS} rounds × ${SECONDS}s (medians)\n\n`,
);
stdout.write(
  '| variant | req/s | req/s vs bare | CPU µs/req | spread (min–max) | added CPU µs/req | added vs bare CPU |\n' +
    '|---|---:|---:|---:|---:|---:|---:|\n',
);
for (const [group, names] of selected) {
  const bare = results[`${group === 'features' ? 'node' : group}:bare`];
  const bareCpu = median(bare.cpuUs);
  for (const name of names) {
    const rps = median(results[name].rps);
    const cpu = median(results[name].cpuUs);
    const sorted = [...results[name].cpuUs].sort((a, b) => a - b);
    const added = cpu - bareCpu;
    stdout.write(
      `| ${name} | ${Math.round(rps).toLocaleString('en-US')} | ${(rps / median(bare.rps)).toFixed(2)} | ` +
        `${cpu.toFixed(1)} | ${sorted[0].toFixed(1)}–${sorted.at(-1).toFixed(1)} | ` +
        `${name.endsWith(':bare') ? '–' : added.toFixed(1)} | ${name.endsWith(':bare') ? '–' : `${Math.round((100 * added) / bareCpu)}%`} |\n`,
    );
  }
}
