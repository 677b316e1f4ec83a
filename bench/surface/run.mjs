// `npm run bench:surface`: the cost of `import 'canon'` in a fresh process (cold start,
// against an empty `node -e ''` and importing pino, in the same run, interleaved over
// rounds) and the size of the package as installed (npm pack --dry-run). Needs dist/.
// Prints a Markdown section for bench/RESULTS.md.
import { execFileSync, spawnSync } from 'node:child_process';

const ROUNDS = Number(process.env.ROUNDS ?? 30);
const variants = {
  'node (empty)': '',
  "import 'canon'": "await import('canon')",
  "import 'canon' + createCanon()": "const { createCanon } = await import('canon'); createCanon({ service: 'x', handleExit: false })",
  "import 'pino'": "await import('pino')",
};

const times = Object.fromEntries(Object.keys(variants).map((name) => [name, []]));
const inside = Object.fromEntries(Object.keys(variants).map((name) => [name, []]));
for (let round = 0; round < ROUNDS; round++) {
  for (const [name, code] of Object.entries(variants)) {
    const timed = `const t0 = performance.now(); ${code}; process.stdout.write(String(performance.now() - t0));`;
    const start = process.hrtime.bigint();
    const result = spawnSync(process.execPath, ['--input-type=module', '-e', timed], { encoding: 'utf8' });
    if (result.status !== 0) throw new Error(`${name} failed: ${result.stderr}`);
    times[name].push(Number(process.hrtime.bigint() - start) / 1e6);
    inside[name].push(Number(result.stdout));
  }
}
const quantile = (values, q) => [...values].sort((a, b) => a - b)[Math.floor(q * (values.length - 1))];
const base = quantile(times['node (empty)'], 0.5);
const rows = Object.entries(times).map(([name, values]) => {
  const median = quantile(values, 0.5);
  const own = inside[name];
  return `| ${name} | ${quantile(own, 0.5).toFixed(1)} | ${quantile(own, 0.1).toFixed(1)}–${quantile(own, 0.9).toFixed(1)} | ${median.toFixed(1)} | ${(median - base).toFixed(1)} |`;
});

const [pack] = JSON.parse(execFileSync('npm', ['pack', '--dry-run', '--json', '--silent'], { encoding: 'utf8' }));
const distBytes = pack.files.filter((f) => f.path.startsWith('dist/')).reduce((sum, f) => sum + f.size, 0);
const jsBytes = pack.files.filter((f) => f.path.endsWith('.js')).reduce((sum, f) => sum + f.size, 0);
const kb = (bytes) => `${(bytes / 1024).toFixed(0)} KiB`;

console.log(`## Public surface — \`npm run bench:surface\`

Node ${process.version}, ${ROUNDS} interleaved rounds, each a fresh process. "import" is the time of
the statement inside the process (performance.now() around it); "process" the whole process,
spawn to exit. Milliseconds:

| variant | import, median | import, p10–p90 | process, median | process over empty node |
|---|---:|---:|---:|---:|
${rows.join('\n')}

Installed size (\`npm pack --dry-run\`): ${kb(pack.unpackedSize)} unpacked in ${pack.entryCount} files
(tarball ${kb(pack.size)}); of which dist/ ${kb(distBytes)} (JavaScript ${kb(jsBytes)}, the rest
declarations and source maps) and docs/. One runtime dependency, \`@standard-schema/spec\`
(types only, no JavaScript loaded); frameworks, drivers and brokers are optional peers.
`);
