// `npm run bench:pipeline` (stdout to /dev/null): the event pipeline alone, no HTTP.
// Canon: `canon.run` of a unit that sets two user fields, with the bench:http config (3
// redact paths, a sampling function, the default stdout sink). pino: `logger.info(obj)`
// of an object with the same fields as Canon's event (built once), through pino's default
// stdout destination and through its synchronous 4 KiB-batch destination (how Canon's
// stdout sink writes). Both write to the same /dev/null stdout; CPU time per event (the process's
// own, so preemption on a busy host does not count), interleaved rounds, medians and spread;
// each window ends once everything is written (pino's default destination writes
// asynchronously: without waiting, its writes would fall outside the window).
// Results go to stderr.
import pino from 'pino';
import { createCanon } from '../../dist/index.js';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 9);
const EVENTS = Number(process.env.BENCH_EVENTS ?? 50_000);
const BATCH = 1_000;

const canon = createCanon({
  service: 'bench',
  redact: { fields: ['user.email', '**.password', 'request.headers.authorization'] },
  sample: () => true,
  handleExit: false,
});
const JOB = { kind: 'job', job: { name: 'bench' } };
function work(event) {
  event.set('user.id', 'u_1');
  event.set('user.plan', 'pro');
}
async function canonEvents(n) {
  for (let done = 0; done < n; done += BATCH) {
    const units = [];
    for (let i = 0; i < BATCH; i++) units.push(canon.run(JOB, work));
    await Promise.all(units);
  }
  await canon.flush();
}

const logger = pino();
const bufferedLogger = pino(pino.destination({ sync: true, minLength: 4096 }));
/** The object pino logs: what Canon's event of the same unit holds, built once (pino's cost only). */
const EVENT_LIKE = {
  timestamp: '2026-12-06T10:00:00.000Z',
  kind: 'job',
  request_id: '019ab0c1-7f3e-7a9b-8c1d-2e3f4a5b6c7d',
  trace_id: '4bf92f3577b34da6a3ce929d0e0e4736',
  span_id: '00f067aa0ba902b7',
  service: 'bench',
  job: { name: 'bench' },
  duration_ms: 0.012,
  outcome: 'success',
  user: { id: 'u_1', plan: 'pro' },
};
/**
 * Each window ends when the destination has written everything (the async one included).
 * SonicBoom's flush ends with an fsync, which /dev/null refuses (EINVAL) after the write.
 */
const flushed = (log) => new Promise((resolve) => log.flush(() => resolve()));
async function pinoEvents(n) {
  for (let i = 0; i < n; i++) logger.info(EVENT_LIKE);
  await flushed(logger);
}

async function pinoBufferedEvents(n) {
  for (let i = 0; i < n; i++) bufferedLogger.info(EVENT_LIKE);
  await flushed(bufferedLogger);
}

async function cpuNsPerEvent(fn) {
  const started = process.cpuUsage();
  await fn(EVENTS);
  const used = process.cpuUsage(started);
  return ((used.user + used.system) * 1000) / EVENTS;
}

const variants = {
  'canon.run (2 fields, 3 redact paths, sample fn)': canonEvents,
  'pino logger.info(same object), default destination': pinoEvents,
  'pino logger.info(same object), sync 4 KiB destination': pinoBufferedEvents,
};
for (const fn of Object.values(variants)) await fn(EVENTS); // warm-up
const results = Object.fromEntries(Object.keys(variants).map((name) => [name, []]));
for (let round = 0; round < ROUNDS; round++) {
  for (const [name, fn] of Object.entries(variants)) results[name].push(await cpuNsPerEvent(fn));
}
await canon.flush();

const sorted = (xs) => [...xs].sort((a, b) => a - b);
const median = (xs) => sorted(xs)[Math.floor(xs.length / 2)];
const out = [`Node ${process.version}, ${ROUNDS} rounds × ${EVENTS} events, CPU per event (median, min–max)`, ''];
out.push('| variant | ns/event | events/s (CPU) | spread ns |', '|---|---:|---:|---:|');
for (const [name, xs] of Object.entries(results)) {
  const s = sorted(xs);
  out.push(`| ${name} | ${median(xs).toFixed(0)} | ${Math.round(1e9 / median(xs)).toLocaleString('en-US')} | ${s[0].toFixed(0)}–${s.at(-1).toFixed(0)} |`);
}
process.stderr.write(`${out.join('\n')}\n`);
