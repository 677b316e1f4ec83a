// `npm run build && node bench/logger/run.mjs`: canon/logger vs pino, both writing to
// /dev/null through sonic-boom (synchronous, 4 KiB buffer), measured in one process.
// Variants are interleaved over several rounds; medians are reported with the ratio of
// each variant's lines/s to pino's in the same situation.
import pino from 'pino';
import { createCanon, fileSink } from '../../dist/index.js';
import { getLogger } from '../../dist/logger/index.js';
import { canonMixin } from '../../dist/logger/pino/index.js';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 1);
const BATCH = 1_000;

const canon = createCanon({ sinks: [fileSink('/dev/null', { minLength: 4096 })], handleExit: false });
const canonLog = getLogger('bench', { level: 'info' });
const destination = () => pino.destination({ dest: '/dev/null', sync: true, minLength: 4096 });
const pinoLog = pino({ name: 'bench', level: 'info' }, destination());
const pinoMixin = pino({ name: 'bench', level: 'info', mixin: canonMixin() }, destination());

const inUnit = (fn) => () => canon.run({ kind: 'job' }, fn);
let i = 0;
const variants = {
  'pino: info(obj, msg)': () => pinoLog.info({ user: 'u_1', n: i++ }, 'hello world'),
  'canon: info(obj, msg)': () => canonLog.info({ user: 'u_1', n: i++ }, 'hello world'),
  'pino + canonMixin, in a unit': () => pinoMixin.info({ user: 'u_1', n: i++ }, 'hello world'),
  'canon, in a unit': () => canonLog.info({ user: 'u_1', n: i++ }, 'hello world'),
  'pino: debug (disabled)': () => pinoLog.debug({ user: 'u_1', n: i++ }, 'hello world'),
  'canon: debug (disabled)': () => canonLog.debug({ user: 'u_1', n: i++ }, 'hello world'),
};
const peers = {
  'canon: info(obj, msg)': 'pino: info(obj, msg)',
  'canon, in a unit': 'pino + canonMixin, in a unit',
  'pino + canonMixin, in a unit': 'pino: info(obj, msg)',
  'canon: debug (disabled)': 'pino: debug (disabled)',
};
const insideUnit = new Set(['pino + canonMixin, in a unit', 'canon, in a unit']);

function measure(call) {
  const deadline = process.hrtime.bigint() + BigInt(Math.round(SECONDS * 1e9));
  const started = process.hrtime.bigint();
  let calls = 0;
  let now = started;
  while (now < deadline) {
    for (let k = 0; k < BATCH; k++) call();
    calls += BATCH;
    now = process.hrtime.bigint();
  }
  return calls / (Number(now - started) / 1e9);
}

const results = Object.fromEntries(Object.keys(variants).map((name) => [name, []]));
for (let round = 0; round <= ROUNDS; round++) {
  for (const [name, call] of Object.entries(variants)) {
    let rate = 0;
    const run = () => {
      rate = measure(call);
    };
    if (insideUnit.has(name)) await inUnit(run)();
    else run();
    if (round > 0) results[name].push(rate); // round 0 warms up
  }
}
await canon.close();

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const out = process.stdout;
out.write(
  `\nNode ${process.version}, ${ROUNDS} rounds × ${SECONDS}s per variant (medians), /dev/null via sonic-boom\n\n`,
);
out.write('| variant | lines/s | ns/line | vs peer |\n|---|---:|---:|---:|\n');
for (const name of Object.keys(variants)) {
  const rate = median(results[name]);
  const peer = peers[name];
  const ratio = peer ? `${(rate / median(results[peer])).toFixed(2)} (vs ${peer})` : '1.00';
  out.write(
    `| ${name} | ${Math.round(rate).toLocaleString('en-US')} | ${(1e9 / rate).toFixed(0)} | ${ratio} |\n`,
  );
}
