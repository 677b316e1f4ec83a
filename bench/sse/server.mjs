// One SSE server variant for bench/sse/run.mjs: `node server.mjs <canon|better-sse>`.
// Every request joins channel `bench`. Driven over IPC by the runner: `usage` (RSS after
// a GC, client count), `publish` (one event carrying its publish time on the shared
// monotonic clock, so the client process can measure delivery latency).
import http from 'node:http';

const [variant] = process.argv.slice(2);
const nowUs = () => Number(process.hrtime.bigint() / 1000n);

async function canon() {
  const { createSseHub } = await import('../../dist/sse/index.js');
  // a generous buffer: the bench measures speed, not the slow-client limit
  const hub = createSseHub({ maxBufferBytes: 64 * 1024 * 1024 });
  return {
    listener: (req, res) => hub.connect(req, res, { channels: ['bench'] }),
    publish: (data) => hub.publish('bench', { data }),
    clients: () => hub.stats().clients,
  };
}

async function betterSse() {
  const { createChannel, createSession } = await import('better-sse');
  const channel = createChannel();
  return {
    listener: async (req, res) => channel.register(await createSession(req, res)),
    publish: (data) => channel.broadcast(data),
    clients: () => channel.sessionCount,
  };
}

const target = variant === 'canon' ? await canon() : await betterSse();
const server = http.createServer(target.listener);
// port 0: a fixed port can collide with the ephemeral ports of the many client sockets
server.listen({ port: 0, host: '127.0.0.1', backlog: 4096 }, () =>
  process.send({ port: server.address().port }),
);

process.on('message', (message) => {
  if (message.cmd === 'usage') {
    globalThis.gc?.();
    process.send({ rss: process.memoryUsage().rss, clients: target.clients(), cpu: process.cpuUsage() });
  } else if (message.cmd === 'publish') {
    for (const seq of message.seqs) target.publish({ s: seq, t: nowUs() });
    process.send({ published: message.seqs.at(-1) });
  }
});
