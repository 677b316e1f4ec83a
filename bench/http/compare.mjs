// `node bench/http/compare.mjs <git-rev> [variant ...]`: the request path of this tree
// against an earlier revision, in one run. The revision is built into a temporary git
// worktree; its server and this tree's run interleaved over 5 rounds (default variant
// `node:canon`, with this tree's `node:bare` as the reference), and the medians of the
// server's CPU time per request are printed: far steadier than req/s on a shared host.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { median, runRounds } from '../lib/load.mjs';

const [rev, ...names] = process.argv.slice(2);
if (!rev) {
  console.error('usage: node bench/http/compare.mjs <git-rev> [variant ...]');
  process.exit(2);
}
const root = fileURLToPath(new URL('../..', import.meta.url));
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
const base = mkdtempSync(join(tmpdir(), 'canon-compare-'));
const git = (...args) => execFileSync('git', ['-C', root, ...args], { stdio: 'ignore' });

git('worktree', 'add', '--detach', base, rev);
try {
  symlinkSync(join(root, 'node_modules'), join(base, 'node_modules'));
  execFileSync('npx', ['tsc', '-p', 'tsconfig.build.json'], { cwd: base, stdio: 'ignore' });
  const scripts = { [rev]: join(base, 'bench/http/server.mjs'), here: join(root, 'bench/http/server.mjs') };
  const runs = ['node:bare @ here'];
  for (const name of names.length > 0 ? names : ['node:canon']) runs.push(`${name} @ ${rev}`, `${name} @ here`);
  const serverOf = (run) => {
    const [variant, tree] = run.split(' @ ');
    return [scripts[tree], variant];
  };
  const results = await runRounds(undefined, runs, { rounds: ROUNDS, seconds: SECONDS, warmup: 2, firstPort: 20600, serverOf });
  console.log(`\n${ROUNDS} rounds × ${SECONDS}s, medians\n\n| variant | CPU µs/req |\n|---|---:|`);
  for (const [name, { cpuUs }] of Object.entries(results)) console.log(`| ${name} | ${median(cpuUs).toFixed(1)} |`);
} finally {
  git('worktree', 'remove', '--force', base);
  rmSync(base, { recursive: true, force: true });
}
