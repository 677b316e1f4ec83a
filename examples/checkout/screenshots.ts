/**
 * Regenerates the console screenshots in docs/ (docs/console-*.png): runs the demo,
 * lets its traffic fill every page, and photographs each one in Chromium.
 *
 *   npx tsx examples/checkout/screenshots.ts
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const main = fileURLToPath(new URL('./main.ts', import.meta.url));
const docs = fileURLToPath(new URL('../../docs/', import.meta.url));
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const demo = spawn(process.execPath, ['--import', 'tsx', main], {
  env: { ...process.env, PORT: '0' },
  stdio: ['ignore', 'ignore', 'pipe'],
});
const url = await new Promise<string>((resolve, reject) => {
  let stderr = '';
  demo.stderr.setEncoding('utf8').on('data', (chunk) => {
    stderr += chunk;
    const found = /Canon console: (\S+)/.exec(stderr);
    if (found) resolve(found[1]);
  });
  demo.on('close', () => reject(new Error(`the demo stopped:\n${stderr}`)));
});

const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
});
try {
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 }, colorScheme: 'light' });
  await page.goto(url);
  // wait for traffic, a dead outbox row, a dead letter and failed webhook deliveries (redriven after 60 s)
  const get = async (path: string): Promise<any> => (await fetch(`${url}${path}`)).json();
  for (let i = 0; i < 120; i++) {
    const [outbox, webhooks, letters] = await Promise.all([get('api/outbox'), get('api/webhooks'), get('api/dead-letters')]);
    if (outbox.dead.length > 0 && webhooks.failed.length > 1 && letters.letters.length > 0) break;
    await sleep(500);
  }
  const shoot = async (hash: string, file: string, ready: string) => {
    await page.goto(`${url}#${hash}`);
    await page.locator(ready).first().waitFor({ timeout: 15_000 });
    await sleep(600);
    await page.screenshot({ path: `${docs}${file}` });
    console.log(`docs/${file}`);
  };
  await shoot('live', 'console-live.png', 'tr.event');
  await shoot('query', 'console-query.png', '.results td');
  // the trace with the most kinds of units, the shortest among those
  const { events } = (await get('api/events')) as { events: { trace_id: string; kind: string; timestamp: string; duration_ms: number }[] };
  const traces = new Map<string, { kinds: Set<string>; start: number; end: number }>();
  for (const event of events) {
    const start = Date.parse(event.timestamp);
    const trace = traces.get(event.trace_id) ?? { kinds: new Set(), start, end: start };
    trace.kinds.add(event.kind);
    trace.start = Math.min(trace.start, start);
    trace.end = Math.max(trace.end, start + event.duration_ms);
    traces.set(event.trace_id, trace);
  }
  const richest = [...traces].sort((a, b) => b[1].kinds.size - a[1].kinds.size || a[1].end - a[1].start - (b[1].end - b[1].start))[0][0];
  await shoot(`trace/${richest}`, 'console-trace.png', '.span');
  await shoot('outbox', 'console-outbox.png', '.stats');
  await shoot('webhooks', 'console-webhooks.png', '.stats');
  await shoot('dead-letters', 'console-dead-letters.png', '.stats');
} finally {
  await browser.close();
  demo.kill('SIGINT');
}
