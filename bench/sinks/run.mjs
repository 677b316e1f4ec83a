// `npm run bench:sinks`: cost per line of Canon's stdout sink against pino's sonic-boom
// (sync and async, as pino uses it), all writing the same 300-byte line to /dev/null.
import { openSync } from 'node:fs';
import { createRequire } from 'node:module';
import { stdoutSink } from '../../dist/index.js';

const SonicBoom = createRequire(import.meta.url)('sonic-boom');
const LINES = Number(process.env.BENCH_LINES ?? 300_000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const line = JSON.stringify({ kind: 'http', request_id: 'x'.repeat(36), payload: 'p'.repeat(230) });
const devnull = openSync('/dev/null', 'w');

// Canon's sink writes to fd 1: point fd 1 at /dev/null by running this script with `> /dev/null`.
const writers = {
  'canon stdoutSink (sync, 4 KiB batches)': () => {
    const sink = stdoutSink();
    return (l) => sink.write(l);
  },
  'sonic-boom sync, minLength 4096': () => {
    const boom = new SonicBoom({ fd: devnull, sync: true, minLength: 4096 });
    return (l) => boom.write(`${l}\n`);
  },
  'sonic-boom async (pino default)': () => {
    const boom = new SonicBoom({ fd: devnull, sync: false });
    return (l) => boom.write(`${l}\n`);
  },
};

const results = {};
for (let round = 0; round < ROUNDS; round++) {
  for (const [name, make] of Object.entries(writers)) {
    const write = make();
    const started = process.hrtime.bigint();
    for (let i = 0; i < LINES; i++) write(line);
    const ns = Number(process.hrtime.bigint() - started) / LINES;
    (results[name] ??= []).push(ns);
    await new Promise((resolve) => setTimeout(resolve, 50)); // let async writers drain
  }
}
const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const base = median(results['canon stdoutSink (sync, 4 KiB batches)']);
process.stderr.write(`\nNode ${process.version}, ${LINES} lines × ${ROUNDS} rounds (median), 300-byte lines to /dev/null\n\n`);
process.stderr.write('| writer | ns/line | vs canon |\n|---|---:|---:|\n');
for (const [name, values] of Object.entries(results)) {
  process.stderr.write(`| ${name} | ${median(values).toFixed(0)} | ${(median(values) / base).toFixed(1)}× |\n`);
}
