// `npm run bench:tracking`: a request doing 5 queries on the real PostgreSQL, served by
// Canon with and without `trackPg`, measured in one run (plus the bare server for scale).
// Server on CPU 0, load generator on CPU 1, variants interleaved over several rounds,
// medians reported. The ratio that matters: trackPg vs canon (target >= 0.97).
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { hasTaskset, hasWrk, median, runRounds } from '../lib/load.mjs';

const script = fileURLToPath(new URL('./server.mjs', import.meta.url));
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 8);
const WARMUP = Number(process.env.BENCH_WARMUP ?? 3);
const NODE = process.env.BENCH_NODE ?? process.execPath;
const variants = ['pg:bare', 'pg:canon', 'pg:canon+trackPg'];
const BASELINE = 'pg:canon';

const results = await runRounds(script, variants, { rounds: ROUNDS, seconds: SECONDS, warmup: WARMUP, node: NODE, firstPort: 40300 });

const version = execFileSync(NODE, ['--version']).toString().trim();
const out = process.stdout;
out.write(
  `\nNode ${version}, ${hasWrk ? 'wrk -t1 -c64' : 'autocannon -c64'}, ` +
    `${hasTaskset ? 'server on CPU 0, load on CPU 1' : 'no CPU pinning'}, PostgreSQL on 127.0.0.1 (pool max 10), ` +
    `5 queries per request, ${ROUNDS} rounds × ${SECONDS}s (medians)\n\n`,
);
out.write(
  `| variant | req/s | req/s vs ${BASELINE} | CPU µs/req | CPU vs ${BASELINE} |\n|---|---:|---:|---:|---:|\n`,
);
const base = results[BASELINE];
for (const name of variants) {
  const rps = median(results[name].rps);
  const cpu = median(results[name].cpuUs);
  out.write(
    `| ${name} | ${Math.round(rps).toLocaleString('en-US')} | ${(rps / median(base.rps)).toFixed(2)} | ` +
      `${cpu.toFixed(1)} | ${(median(base.cpuUs) / cpu).toFixed(2)} |\n`,
  );
}
