// The receiver of the webhooks benchmark, in its own process: answers 204 to every POST
// (after reading the body) and reports how many it got to the parent every 20 ms.
import http from 'node:http';

let received = 0;
const server = http.createServer((req, res) => {
  req.resume();
  req.on('end', () => {
    received++;
    res.writeHead(204).end();
  });
});
server.keepAliveTimeout = 10_000;
server.listen(0, '127.0.0.1', () => process.send({ port: server.address().port }));
setInterval(() => process.send({ received }), 20);
process.on('message', (message) => {
  if (message === 'reset') received = 0;
});
process.on('disconnect', () => process.exit(0));
