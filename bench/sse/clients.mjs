// The client side of bench/sse/run.mjs, in its own process: `node clients.mjs <port> <n>`.
// Opens n raw HTTP/1.1 connections (no EventSource overhead), and for every event seq
// records when each client got it. Reports to the runner when all n clients have an
// event: per-client latency percentiles and the time until the last one had it.
import net from 'node:net';

const [port, countArg] = process.argv.slice(2);
const count = Number(countArg);
const nowUs = () => Number(process.hrtime.bigint() / 1000n);
const REQUEST = 'GET /events HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\n\r\n';
const EVENT = /"s":(\d+),"t":(\d+)/g;

/** seq → { received, latencies, publishedAt } */
const pending = new Map();
let connected = 0;
let failed = 0;
let closed = 0;

function record(seq, publishedAt, at) {
  let entry = pending.get(seq);
  if (entry === undefined) pending.set(seq, (entry = { received: 0, latencies: new Float64Array(count) }));
  entry.latencies[entry.received++] = (at - publishedAt) / 1000;
  if (entry.received === count) {
    pending.delete(seq);
    const sorted = entry.latencies.sort();
    process.send({
      seq,
      p50: sorted[Math.floor(count * 0.5)],
      p99: sorted[Math.min(count - 1, Math.floor(count * 0.99))],
      all: sorted[count - 1],
    });
  }
}

/**
 * One raw HTTP/1.1 SSE connection. `onread` reads into a fixed buffer with no stream
 * machinery or allocation per read, keeping the measuring process as light as possible.
 */
function open() {
  return new Promise((resolve) => {
    let tail = '';
    let ready = false;
    const socket = net.connect({
      port: Number(port),
      host: '127.0.0.1',
      onread: {
        buffer: Buffer.allocUnsafe(16 * 1024),
        callback(length, buffer) {
          const at = nowUs();
          if (!ready) {
            ready = true;
            connected++;
            resolve();
          }
          const text = tail + buffer.toString('latin1', 0, length);
          const end = text.lastIndexOf('\n\n');
          if (end === -1) {
            tail = text;
            return;
          }
          tail = text.slice(end + 2);
          for (const match of text.slice(0, end).matchAll(EVENT))
            record(Number(match[1]), Number(match[2]), at);
        },
      },
    });
    socket.on('connect', () => socket.write(REQUEST));
    socket.on('error', () => {
      if (!ready) failed++;
      resolve();
    });
    socket.on('close', () => closed++);
  });
}

const BATCH = 250;
for (let i = 0; i < count; i += BATCH) {
  await Promise.all(Array.from({ length: Math.min(BATCH, count - i) }, open));
}
process.send({ connected, failed });
process.on('message', (message) => {
  if (message.cmd === 'status') process.send({ connected, failed, closed });
});
