/**
 * `npm run soak`: 10 minutes (SOAK_SECONDS) of mixed load on the checkout demo (see
 * ./server.ts and ./load.ts), sampled every 10 s (SOAK_SAMPLE_MS), then judged (./analyze.ts).
 * A full run (≥ 5 min) writes bench/soak/samples.json, bench/soak/soak.png and the
 * "Soak" section of bench/RESULTS.md; `npm run soak:smoke` (60 s, CI) only judges and
 * prints, without the memory slopes, which a minute cannot show. Exits 1 on a failed check.
 */
import { fork } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { judge, type Sample } from './analyze.js';
import { runLoad } from './load.js';
import { soakSvg, toPng } from './plot.js';

const SECONDS = Number(process.env.SOAK_SECONDS ?? 600);
const FULL = SECONDS >= 300;
const here = (file: string) => fileURLToPath(new URL(file, import.meta.url));

const server = fork(here('./server.ts'), [], {
  execArgv: ['--import', 'tsx', '--expose-gc'],
  env: { ...process.env, SOAK_SAMPLE_MS: process.env.SOAK_SAMPLE_MS ?? '10000' },
  stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
});
const samples: Sample[] = [];
const [hello] = (await once(server, 'message')) as [{ port: number; broker: boolean }];
server.on('message', (message: { sample?: Sample }) => {
  if (message.sample) {
    samples.push(message.sample);
    const s = message.sample;
    process.stderr.write(
      `soak ${Math.round(s.t / 1000)}s rss=${s.rss_mb.toFixed(1)} heap=${s.heap_mb.toFixed(1)} eld99=${s.eld_p99_ms.toFixed(1)}ms handles=${s.handles} timers=${s.timers} listeners=${s.listeners} sse=${s.sse_clients} served=${s.served}\n`,
    );
  }
});
process.stderr.write(`soak: ${SECONDS} s on 127.0.0.1:${hello.port} (broker consumer ${hello.broker ? 'on' : 'off'})\n`);
const counts = await runLoad(hello.port, Date.now() + SECONDS * 1000);
await new Promise((resolve) => setTimeout(resolve, 5_000)); // SSE clients and the relay settle
server.send({ stop: true });
await once(server, 'exit');

const verdict = judge(samples, FULL);
const final = samples[samples.length - 1];
const lines = [
  `Node ${process.version}, ${SECONDS} s, samples every ${Number(process.env.SOAK_SAMPLE_MS ?? 10_000) / 1000} s, warm-up ${verdict.warmupS} s`,
  `load: ${JSON.stringify(counts)}`,
  `served ${final.served} requests; events emitted ${JSON.stringify(final.emitted)}; broker ${JSON.stringify(final.broker)}`,
  `heap slope ${verdict.heapSlope.toFixed(3)} MB/min, RSS slope ${verdict.rssSlope.toFixed(3)} MB/min after warm-up${FULL ? '' : ' (reported, not judged: too short)'}`,
  `event-loop delay p99: max ${Math.max(...samples.slice(0, -1).map((s) => s.eld_p99_ms)).toFixed(1)} ms over the samples`,
  ...verdict.checks.map((c) => `${c.ok ? 'PASS' : 'FAIL'} ${c.name}: ${c.detail}`),
];
process.stdout.write(`${lines.join('\n')}\n`);

if (FULL) {
  writeFileSync(here('./samples.json'), `${JSON.stringify(samples, null, 1)}\n`);
  writeFileSync(here('./soak.png'), toPng(soakSvg(samples, `Soak: ${SECONDS} s of mixed load on the checkout demo, Node ${process.version}`)));
  const results = here('../RESULTS.md');
  const section = `## Soak — \`npm run soak\`\n\nThe checkout demo (Express, PGlite outbox + relay) plus an SSE stream fed by a Redis Streams\nconsumer, under shoppers, aborted requests, slow clients and SSE clients that connect and drop\n(bench/soak/). Samples after a forced GC.\n\n\`\`\`\n${lines.join('\n')}\n\`\`\`\n\n![soak](soak/soak.png)\n`;
  const text = readFileSync(results, 'utf8');
  const start = text.indexOf('## Soak');
  const end = start < 0 ? -1 : text.indexOf('\n## ', start + 1);
  writeFileSync(
    results,
    start < 0 ? `${text.trimEnd()}\n\n${section}` : `${text.slice(0, start)}${section}${end < 0 ? '' : text.slice(end + 1)}`,
  );
}
process.exitCode = verdict.checks.every((c) => c.ok) ? 0 : 1;
