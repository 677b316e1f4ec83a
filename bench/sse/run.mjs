// `npm run bench:sse` — SSE fan-out: Canon's hub vs better-sse, measured in one run.
// The server variant runs alone on CPU 0, the clients (raw sockets) in a second process
// on CPU 1. Per variant: connect SSE_CLIENTS clients, measure server RSS per 1,000
// clients, then publish SSE_EVENTS events one at a time (fan-out latency: per-client p50/
// p99 and the time until every client has the event), then keep SSE_WINDOW events in
// flight for SSE_SECONDS (events/s fully delivered to every client, sustained).
// Needs a file-descriptor limit above the client count: each child is started through
// `sh -c 'ulimit -n …'` when the hard limit allows it.
import { execFileSync, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const CLIENTS = Number(process.env.SSE_CLIENTS ?? 10_000);
const EVENTS = Number(process.env.SSE_EVENTS ?? 50);
const SECONDS = Number(process.env.SSE_SECONDS ?? 5);
const WINDOW = Number(process.env.SSE_WINDOW ?? 8);
const VARIANTS = (process.env.SSE_VARIANTS ?? 'canon,better-sse').split(',');
const NODE = process.env.BENCH_NODE ?? process.execPath;
const here = (file) => fileURLToPath(new URL(file, import.meta.url));
const hasTaskset = existsSync('/usr/bin/taskset');
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

const FDS_NEEDED = CLIENTS + 1_000;
const hardLimit = Number(execFileSync('sh', ['-c', 'ulimit -Hn']).toString().trim()) || Infinity;
if (hardLimit < FDS_NEEDED) {
  console.error(
    `bench:sse needs ${FDS_NEEDED} file descriptors per process; the hard limit is ${hardLimit}.`,
  );
  console.error(
    'Raise it (e.g. `ulimit -Hn 65536` as root, or LimitNOFILE in systemd) or lower SSE_CLIENTS.',
  );
  process.exit(1);
}

/** Starts `node <script> ...args` pinned to `cpu` with a raised fd limit; resolves on its first message. */
function start(cpu, script, args, execArgv = []) {
  const node = [NODE, ...execArgv, script, ...args].map((a) => `'${a}'`).join(' ');
  const command = `ulimit -n ${Math.min(hardLimit, FDS_NEEDED * 2)} && exec ${hasTaskset ? `taskset -c ${cpu} ` : ''}${node}`;
  const child = spawn('sh', ['-c', command], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const first = new Promise((resolve, reject) => {
    child.once('message', resolve);
    child.once('exit', (code) => reject(new Error(`${script} exited with ${code}`)));
  });
  return { child, first };
}

function request(child, message, accept) {
  return new Promise((resolve) => {
    const onMessage = (reply) => {
      if (!accept(reply)) return;
      child.off('message', onMessage);
      resolve(reply);
    };
    child.on('message', onMessage);
    child.send(message);
  });
}

const usage = (server) => request(server, { cmd: 'usage' }, (m) => m.rss !== undefined);
const percentile = (values, p) =>
  [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.floor(values.length * p))];

async function measure(variant) {
  const server = start(0, here('./server.mjs'), [variant], ['--expose-gc']);
  const { port } = await server.first;
  const baseline = await usage(server.child);
  const clients = start(1, here('./clients.mjs'), [String(port), String(CLIENTS)]);
  const opened = await clients.first;
  if (opened.connected !== CLIENTS)
    throw new Error(`${variant}: only ${opened.connected}/${CLIENTS} connected`);
  let connected;
  for (let tries = 0; (connected = await usage(server.child)).clients < CLIENTS && tries < 500; tries++)
    await sleep(20);
  if (connected.clients < CLIENTS) throw new Error(`${variant}: server sees ${connected.clients}/${CLIENTS}`);

  // fan-out latency: one event at a time
  const completions = new Map();
  clients.child.on('message', (m) => m.seq !== undefined && completions.get(m.seq)?.(m));
  const delivered = (seq) => new Promise((resolve) => completions.set(seq, resolve));
  let seq = 0;
  const samples = [];
  for (let i = 0; i < EVENTS + 3; i++) {
    const done = delivered(++seq);
    server.child.send({ cmd: 'publish', seqs: [seq] });
    const result = await done;
    if (i >= 3) samples.push(result); // the first ones warm up the JIT
    await sleep(10);
  }

  // sustained: keep WINDOW events in flight for SECONDS
  const cpuBefore = (await usage(server.child)).cpu;
  const startedAt = performance.now();
  let completed = 0;
  await new Promise((resolve) => {
    let inFlight = 0;
    let stop = false;
    const publishMore = () => {
      const seqs = [];
      while (!stop && inFlight < WINDOW) {
        const next = ++seq;
        seqs.push(next);
        inFlight++;
        delivered(next).then(() => {
          inFlight--;
          completed++;
          if (performance.now() - startedAt > SECONDS * 1000) stop = true;
          if (stop && inFlight === 0) resolve();
          else publishMore();
        });
      }
      if (seqs.length > 0) server.child.send({ cmd: 'publish', seqs });
    };
    publishMore();
  });
  const elapsed = (performance.now() - startedAt) / 1000;
  const end = await usage(server.child);
  const cpuUs = end.cpu.user + end.cpu.system - cpuBefore.user - cpuBefore.system;
  const status = await request(clients.child, { cmd: 'status' }, (m) => m.closed !== undefined);
  clients.child.kill('SIGKILL');
  server.child.kill('SIGKILL');
  return {
    variant,
    p50: percentile(
      samples.map((s) => s.p50),
      0.5,
    ),
    p99: percentile(
      samples.map((s) => s.p99),
      0.5,
    ),
    allP50: percentile(
      samples.map((s) => s.all),
      0.5,
    ),
    allP99: percentile(
      samples.map((s) => s.all),
      0.99,
    ),
    eventsPerSecond: completed / elapsed,
    cpuPerDeliveryUs: cpuUs / (completed * CLIENTS),
    rssPer1k: (connected.rss - baseline.rss) / (CLIENTS / 1000),
    rssTotal: end.rss,
    lost: status.closed,
  };
}

const results = [];
for (const variant of VARIANTS) {
  console.error(`${variant}: ${CLIENTS} clients…`);
  const result = await measure(variant);
  console.error(`${variant}: done`, JSON.stringify(result));
  results.push(result);
}

const peer = results.find((r) => r.variant === 'better-sse');
const mb = (bytes) => (bytes / 1024 / 1024).toFixed(1);
const ms = (value) => value.toFixed(1);
const ratio = (ours, theirs) => (peer ? `${(theirs / ours).toFixed(2)}×` : 'n/a');
const version = execFileSync(NODE, ['--version']).toString().trim();
console.log(
  `\nNode ${version}, ${CLIENTS.toLocaleString('en-US')} SSE clients (raw sockets, second process), ` +
    `${hasTaskset ? 'server on CPU 0, clients on CPU 1' : 'no CPU pinning'}; ${EVENTS} single publishes, ` +
    `then ${WINDOW} events in flight for ${SECONDS}s\n`,
);
console.log(
  '| variant | delivery p50 ms | delivery p99 ms | all clients have it, p50 ms | all clients have it, p99 ms | ' +
    'events/s to all | CPU µs per delivery | RSS MiB per 1k clients | RSS MiB at end | connections lost | ' +
    'all-clients p99 vs better-sse | events/s vs better-sse |',
);
console.log('|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|');
for (const r of results) {
  console.log(
    `| ${r.variant} | ${ms(r.p50)} | ${ms(r.p99)} | ${ms(r.allP50)} | ${ms(r.allP99)} | ` +
      `${Math.round(r.eventsPerSecond).toLocaleString('en-US')} | ${r.cpuPerDeliveryUs.toFixed(2)} | ` +
      `${mb(r.rssPer1k)} | ${mb(r.rssTotal)} | ${r.lost} | ${ratio(r.allP99, peer?.allP99)} | ` +
      `${peer ? `${(r.eventsPerSecond / peer.eventsPerSecond).toFixed(2)}×` : 'n/a'} |`,
  );
}
