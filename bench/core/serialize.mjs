// `node bench/core/serialize.mjs`: instructions per event to serialize the ~400-byte wide
// event of bench:http, counted by valgrind's callgrind, for V8's `JSON.stringify` and two
// serializers written in JavaScript (the direction "a serializer of Canon's own for Node
// 20–24" would take). Each serializer runs in its own process under callgrind twice, at
// two iteration counts; the difference divided by the extra iterations is the steady-state
// cost of one event (start-up, warm-up and compilation cancel out). A run that builds
// and keeps each event without serializing it is the baseline, subtracted from the rest. BENCH_NODE picks the Node binary.
// Needs `valgrind`. The serializers here are measurement subjects, not Canon's code.
import { execFileSync, spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const NODE = process.env.BENCH_NODE ?? process.execPath;
const [low, high] = [30_000, 130_000];
const self = fileURLToPath(import.meta.url);

const IDS = Array.from({ length: 64 }, (_, i) => JSON.parse(JSON.stringify(`01a24c43-88df-7023-8225-724d7286${1000 + i}`)));
/** The event bench:http's node:canon writes, with a flat request id and a changing duration. */
const event = (i) => ({
  timestamp: '2026-12-06T16:50:24.096Z', kind: 'http', request_id: IDS[i % 64],
  trace_id: '57c97f5e8231b0a7c011266873f9e9c7', span_id: 'bacefcb0eeacada1', service: 'bench',
  host: 'vm', method: 'GET', path: '/', status_code: 200, response_size_bytes: 2, user_agent: 'node',
  duration_ms: 3.739 + i, outcome: 'success', user: { id: 'u_1', plan: 'pro' }, sample_rate: 1,
});

/** Strings concatenated; a string is escaped by JSON.stringify only when one regex says it must. */
// eslint-disable-next-line no-control-regex -- the characters JSON must escape include the control characters
const NEEDS_ESCAPE = /[\u0000-\u001f"\\\ud800-\udfff]/;
const quote = (s) => (NEEDS_ESCAPE.test(s) ? JSON.stringify(s) : `"${s}"`);
function concatValue(v) {
  if (typeof v === 'string') return quote(v);
  if (typeof v === 'number') return Number.isFinite(v) ? `${v}` : 'null';
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  if (v === null) return 'null';
  if (Array.isArray(v)) return `[${v.map((x) => concatValue(x) ?? 'null').join(',')}]`;
  if (typeof v !== 'object') return undefined;
  let out = '{';
  for (const key in v) {
    const s = concatValue(v[key]);
    if (s !== undefined) out += `${out.length > 1 ? ',' : ''}${quote(key)}:${s}`;
  }
  return `${out}}`;
}

/** ASCII codes written into one Buffer, one latin1 decode; anything else falls back to JSON.stringify. */
const buffer = Buffer.allocUnsafe(1 << 16);
let at = 0;
let bail = false;
function putText(s) {
  for (let i = 0; i < s.length; i++) buffer[at++] = s.charCodeAt(i);
}
function putString(s) {
  buffer[at++] = 34;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 32 || c === 34 || c === 92 || c > 126) bail = true;
    buffer[at++] = c;
  }
  buffer[at++] = 34;
}
function putValue(v) {
  if (typeof v === 'string') putString(v);
  else if (typeof v === 'number') putText(Number.isFinite(v) ? `${v}` : 'null');
  else if (typeof v === 'boolean') putText(v ? 'true' : 'false');
  else if (v === null) putText('null');
  else if (Array.isArray(v) || typeof v !== 'object') bail = true; // not in this event
  else {
    buffer[at++] = 123;
    let first = true;
    for (const key in v) {
      if (!first) buffer[at++] = 44;
      first = false;
      putString(key);
      buffer[at++] = 58;
      putValue(v[key]);
    }
    buffer[at++] = 125;
  }
}
function bytes(e) {
  at = 0;
  bail = false;
  putValue(e);
  return bail ? JSON.stringify(e) : buffer.latin1Slice(0, at);
}

let kept; // the baseline keeps each event, so that building it is not optimized away
const SERIALIZERS = {
  'JSON.stringify': JSON.stringify,
  'JS, concatenated strings': concatValue,
  'JS, bytes into a Buffer': bytes,
  none: (e) => {
    kept = e;
    return '';
  },
};

if (process.argv[2] === '--child') {
  const serialize = SERIALIZERS[process.argv[3]];
  const out = Buffer.alloc(1024);
  let written = 0;
  for (let i = 0; i < Number(process.argv[4]); i++) written += out.write(serialize(event(i)), 0, 'latin1');
  if (written === 42) console.log(written, kept); // keeps the loop's results alive
} else {
  for (const name of Object.keys(SERIALIZERS)) {
    const line = SERIALIZERS[name](event(1));
    if (name !== 'none' && line !== JSON.stringify(event(1))) throw new Error(`${name} wrote ${line}`);
  }
  const count = (name, n) => {
    const args = ['--tool=callgrind', '--callgrind-out-file=/dev/null', NODE, self, '--child', name, String(n)];
    const { stderr } = spawnSync('valgrind', args, { encoding: 'utf8' });
    const total = /Collected : (\d+)/.exec(stderr)?.[1];
    if (total === undefined) throw new Error(`valgrind gave no count for ${name}: ${stderr.slice(-500)}`);
    return Number(total);
  };
  const perEvent = (name) => (count(name, high) - count(name, low)) / (high - low);
  const base = perEvent('none');
  console.log(`Node ${execFileSync(NODE, ['--version'], { encoding: 'utf8' }).trim()}, callgrind, (${high} − ${low} events)\n`);
  console.log('| serializer | instructions per event |\n|---|---:|');
  for (const name of Object.keys(SERIALIZERS).filter((n) => n !== 'none')) {
    console.log(`| ${name} | ${Math.round(perEvent(name) - base).toLocaleString('en-US')} |`);
  }
}
