// `npm run bench:features`: CPU time per unit of work (an HTTP-shaped unit started and
// ended through the real pipeline: snapshot, redaction, sampling, serialization, a sink
// that drops the line) with each issue-17 feature off and on. Each measurement is a fresh
// process (so one variant's code shapes never slow another's), warmed up, then timed;
// variants are interleaved over many rounds. The minimum is the estimate (interference
// only ever adds time on a shared machine); the median and maximum show the spread.
// BENCH_BASE_DIST=<dist of another build> adds that build's `off` for a regression check.
import { execFileSync } from 'node:child_process';
import diagnostics_channel from 'node:diagnostics_channel';
import { fileURLToPath } from 'node:url';

const UNITS = Number(process.env.BENCH_UNITS ?? 20_000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 7);
const here = new URL('../../dist/', import.meta.url).href;
const base = process.env.BENCH_BASE_DIST ? new URL(`file://${process.env.BENCH_BASE_DIST.replace(/\/?$/, '/')}`).href : undefined;

const UA = 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_2 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.2 Mobile/15E148 Safari/604.1';
const headers = { host: 'localhost', 'user-agent': UA, 'cf-ipcountry': 'FR', accept: '*/*' };
const drop = { write() {} };

async function instance(dist, extra = {}) {
  const { createCanon } = await import(`${dist}index.js`);
  return createCanon({
    service: 'bench',
    handleExit: false,
    sinks: [drop],
    redact: { fields: ['user.email', '**.password', 'request.headers.authorization'] },
    sample: () => true,
    ...extra,
  });
}

const variants = {
  off: () => instance(here),
  metrics: async () => {
    const { canonMetrics } = await import(`${here}metrics/index.js`);
    return instance(here, { plugins: [canonMetrics({ meterProvider: false })] });
  },
  dynamicSample: async () => {
    const { dynamicSample } = await import(`${here}index.js`);
    return instance(here, {
      sample: dynamicSample({ key: (e) => [e.route, e.status_code], goalRate: 20, keep: (e) => e.outcome !== 'success' }),
    });
  },
  'audit (1 record/unit)': async () => {
    const canon = await instance(here);
    return Object.assign(canon, { perUnit: () => canon.audit({ action: 'bench.read', actor: 'u_1', target: 'r_1' }) });
  },
  enrichers: async () => {
    const { deployment, geo, userAgent } = await import(`${here}enrichers/index.js`);
    return instance(here, { plugins: [userAgent(), deployment(), geo()] });
  },
};
if (base) variants['off @ base'] = () => instance(base);

function runUnits(canon) {
  for (let i = 0; i < UNITS; i++) {
    const unit = canon.startUnit({
      kind: 'http',
      fields: { method: 'GET', path: `/users/${i}`, route: '/users/:id', status_code: undefined, user_agent: UA },
      headers,
    });
    canon.perUnit?.();
    unit.fields.status_code = 200;
    unit.fields.response_size_bytes = 27;
    unit.end();
  }
}

/** In a child: warms the variant up, then returns its best of three timed batches. */
async function runChild(name) {
  const canon = await instance$(name);
  for (let i = 0; i < 3; i++) runUnits(canon);
  let best = Number.POSITIVE_INFINITY;
  for (let i = 0; i < 3; i++) {
    const before = process.cpuUsage();
    runUnits(canon);
    const cpu = process.cpuUsage(before);
    best = Math.min(best, (cpu.user + cpu.system) / UNITS);
  }
  return best;
}

async function instance$(name) {
  if (name === 'off, channels subscribed') {
    const noop = () => {};
    diagnostics_channel.subscribe('canon:event', noop);
    diagnostics_channel.subscribe('canon:unit-start', noop);
    return variants.off();
  }
  return variants[name]();
}

const child = process.argv[2];
if (child) {
  process.stdout.write(String(await runChild(child)));
  process.exit(0);
}

const names = [...Object.keys(variants), 'off, channels subscribed'];
const script = fileURLToPath(import.meta.url);
const results = {};
for (let round = 0; round < ROUNDS; round++) {
  for (const name of names) {
    const us = Number(execFileSync(process.execPath, [script, name], { env: process.env, encoding: 'utf8' }));
    (results[name] ??= []).push(us);
  }
}

const sorted = (values) => [...values].sort((a, b) => a - b);
const min = (values) => sorted(values)[0];
const median = (values) => sorted(values)[Math.floor(values.length / 2)];
const max = (values) => sorted(values).at(-1);
const off = min(results.off);
console.log(
  `\nNode ${process.version}, ${ROUNDS} rounds × ${UNITS} units per batch, best of 3 batches in a fresh process per variant and round, interleaved; CPU µs per unit (process.cpuUsage)\n`,
);
console.log('| variant | min | median | max | min vs off |\n|---|---:|---:|---:|---:|');
for (const [name, cpu] of Object.entries(results)) {
  const delta = min(cpu) - off;
  console.log(
    `| ${name} | ${min(cpu).toFixed(2)} | ${median(cpu).toFixed(2)} | ${max(cpu).toFixed(2)} | ${delta >= 0 ? '+' : ''}${delta.toFixed(2)} |`,
  );
}
