import http from 'node:http';
import { AsyncLocalStorage } from 'node:async_hooks';
const [variant, port] = process.argv.slice(2);
const BODY = JSON.stringify({ hello: 'world', items: [1, 2, 3] });
const { createCanon, getWideEvent } = await import('../../dist/index.js');
const { canonNode } = await import('../../dist/frameworks/node/index.js');
function h(req, res) { const e = getWideEvent(); e?.set('user.id', 'u_1'); e?.set('user.plan', 'pro'); res.setHeader('content-type', 'application/json'); res.end(BODY); }
const base = { service: 'bench', redact: { fields: ['user.email', '**.password', 'request.headers.authorization'] }, sample: () => true };
const als = new AsyncLocalStorage();
function onClose() {}
const variants = {
  'nosink': () => http.createServer(canonNode(createCanon({ ...base, sinks: [{ write() {} }] }), h)),
  'sampled-out': () => http.createServer(canonNode(createCanon({ ...base, sample: () => 0 }), h)),
  'mimic': () => http.createServer((req, res) => { res.setHeader('x-request-id', 'abc'); res.on('close', onClose); als.run({}, h, req, res); }),
  'canon': () => http.createServer(canonNode(createCanon(base), h)),
};
const server = variants[variant]();
server.keepAliveTimeout = 60_000;
let requests = 0;
server.on('request', () => requests++);
process.on('message', () => process.send({ requests, cpu: process.cpuUsage() }));
server.listen(Number(port), '127.0.0.1', () => process.send?.('ready'));
