// `npm run bench:read`: the read side's speed on this machine, against what a user would
// otherwise reach for, measured in the same run and interleaved over rounds.
//
// - query: `canon query FILE --group-by route --agg "count(*),p50(duration_ms),p99(duration_ms)"`
//   over 1,000,000 events, against jq (`jq -c '{route, duration_ms}' | jq -s 'group_by…'`) and a hand-written Node script
//   (readline + JSON.parse + sort), which all compute the same table.
// - pretty: `canon pretty FILE > /dev/null` against pino-pretty over the same lines.
//
// Data: bench/.tmp/events-1m.jsonl (made by generate.mjs when missing). Each whole process
// is timed by /usr/bin/time, from start to exit: wall time and CPU time (user + system, all
// threads: DuckDB's too). On a shared host the CPU time is the steadier number; the wall
// time is what a user waits. BENCH_ROUNDS (default 3), BENCH_PRETTY_LINES (300,000),
// BENCH_SKIP_JQ=1 to leave jq out (it takes minutes per round).
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../', import.meta.url));
const data = `${root}bench/.tmp/events-1m.jsonl`;
const head = `${root}bench/.tmp/events-pretty.jsonl`;
const cli = `${root}dist/cli/main.js`;
const rounds = Number(process.env.BENCH_ROUNDS ?? 3);
const prettyLines = Number(process.env.BENCH_PRETTY_LINES ?? 300_000);

if (!existsSync(data)) execFileSync(process.execPath, [`${root}bench/read/generate.mjs`], { stdio: 'inherit' });
writeFileSync(head, execFileSync('head', ['-n', String(prettyLines), data], { maxBuffer: 1 << 30 }));

const byRoute = `
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
const groups = new Map();
for await (const line of createInterface({ input: createReadStream(process.argv.at(-1)) })) {
  if (!line) continue;
  const e = JSON.parse(line);
  let list = groups.get(e.route); if (!list) groups.set(e.route, (list = []));
  list.push(e.duration_ms);
}
const q = (s, p) => { const i = p * (s.length - 1), lo = Math.floor(i), hi = Math.ceil(i); return s[lo] + (s[hi] - s[lo]) * (i - lo); };
for (const [route, list] of groups) { list.sort((a, b) => a - b); console.log(JSON.stringify({ route, count: list.length, p50: q(list, 0.5), p99: q(list, 0.99) })); }
`;
// jq as people use it: project the two fields while streaming, then group what is left
// (percentiles by nearest rank; a reduce that appends to arrays is quadratic in jq)
const jqGroup = 'group_by(.route)[] | (map(.duration_ms) | sort) as $s | {route: .[0].route, count: ($s | length), p50: $s[(($s | length) - 1) * 0.5 | floor], p99: $s[(($s | length) - 1) * 0.99 | floor]}';
const jqPipeline = `jq -c '{route, duration_ms}' '${data}' | jq -sc '${jqGroup}'`;

const devnull = openSync('/dev/null', 'w');
const tasks = {
  query: {
    'canon query (DuckDB)': [process.execPath, cli, 'query', data, '--group-by', 'route', '--agg', 'count(*),p50(duration_ms),p99(duration_ms)', '--json'],
    'node script (readline + JSON.parse)': [process.execPath, '--input-type=module', '-e', byRoute, data],
    ...(process.env.BENCH_SKIP_JQ ? {} : { 'jq (project, then group)': ['bash', '-c', jqPipeline] }),
  },
  pretty: {
    'canon pretty': [process.execPath, cli, 'pretty', head],
    'pino-pretty': [process.execPath, `${root}node_modules/pino-pretty/bin.js`, '--colorize', 'false'],
  },
};

const timing = `${root}bench/.tmp/time.txt`;

/** Runs one process; resolves to [wall s, cpu s]. */
function run(argv, input) {
  const result = spawnSync('/usr/bin/time', ['-f', '%e %U %S', '-o', timing, ...argv], {
    stdio: [input ? openSync(input, 'r') : 'ignore', devnull, 'pipe'],
    env: { ...process.env, NO_COLOR: '1' },
    maxBuffer: 1 << 26,
  });
  if (result.status !== 0) throw new Error(`${argv.join(' ')} failed: ${result.stderr}`);
  const [wall, user, system] = readFileSync(timing, 'utf8').trim().split('\n').at(-1).split(' ').map(Number);
  return [wall, user + system];
}

const times = {};
for (let round = 0; round < rounds; round++) {
  for (const [group, variants] of Object.entries(tasks)) {
    for (const [name, argv] of Object.entries(variants)) {
      const [wall, cpu] = run(argv, name === 'pino-pretty' ? head : undefined);
      (times[`${group}:${name}`] ??= { wall: [], cpu: [] }).wall.push(wall);
      times[`${group}:${name}`].cpu.push(cpu);
      process.stderr.write(`round ${round + 1} ${name}: ${wall.toFixed(2)} s wall, ${cpu.toFixed(2)} s cpu\n`);
    }
  }
}

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const spread = (values, f = (x) => x.toFixed(2)) => `${f(Math.min(...values))}–${f(Math.max(...values))}`;
const load = readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
console.log(`\nNode ${process.version}, ${rounds} interleaved rounds, medians (min–max); load average at the end: ${load}\n`);
console.log('### query: 1,000,000 events, group by route with count, p50, p99\n');
console.log('| tool | wall s | cpu s | wall vs canon |\n|---|---:|---:|---:|');
const base = median(times['query:canon query (DuckDB)'].wall);
for (const [key, { wall, cpu }] of Object.entries(times).filter(([key]) => key.startsWith('query:'))) {
  console.log(`| ${key.slice(6)} | ${median(wall).toFixed(2)} (${spread(wall)}) | ${median(cpu).toFixed(2)} (${spread(cpu)}) | ${(median(wall) / base).toFixed(1)}× |`);
}
console.log(`\n### pretty: ${prettyLines.toLocaleString('en')} lines to /dev/null\n`);
console.log('| tool | lines/s (wall) | lines per cpu second |\n|---|---:|---:|');
const rate = (s) => Math.round(prettyLines / s).toLocaleString('en');
for (const [key, { wall, cpu }] of Object.entries(times).filter(([key]) => key.startsWith('pretty:'))) {
  const ratesOf = (values) => `${rate(median(values))} (${rate(Math.max(...values))}–${rate(Math.min(...values))})`;
  console.log(`| ${key.slice(7)} | ${ratesOf(wall)} | ${ratesOf(cpu)} |`);
}
