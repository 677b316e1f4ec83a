// One benchmark server per process: `node bench/tracking/server.mjs <variant> <port>`.
// Every variant answers GET / after 5 sequential queries on the real PostgreSQL
// (DATABASE_URL, default postgres://postgres@127.0.0.1:5432/test); stdout goes to /dev/null.
import http from 'node:http';
import pg from 'pg';

const [variant, port] = process.argv.slice(2);
const QUERIES = 5;
const pool = new pg.Pool({
  connectionString: process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test',
  max: 10,
});

async function handler(_req, res) {
  let sum = 0;
  for (let i = 0; i < QUERIES; i++) {
    const { rows } = await pool.query('SELECT $1::int AS n', [i]);
    sum += rows[0].n;
  }
  res.setHeader('content-type', 'application/json');
  res.end(JSON.stringify({ sum }));
}

async function canonServer() {
  const { createCanon } = await import('../../dist/index.js');
  const { canonNode } = await import('../../dist/frameworks/node/index.js');
  const canon = createCanon({ service: 'bench', sample: () => true });
  return http.createServer(canonNode(canon, handler));
}

const variants = {
  'pg:bare': async () => http.createServer(handler),
  'pg:canon': canonServer,
  'pg:canon+trackPg': async () => {
    const { trackPg } = await import('../../dist/tracking/pg/index.js');
    trackPg(pool);
    return canonServer();
  },
};

const make = variants[variant];
if (!make) {
  console.error(`unknown variant ${variant}; known: ${Object.keys(variants).join(', ')}`);
  process.exit(2);
}
const server = await make();
server.keepAliveTimeout = 60_000;
await Promise.all(Array.from({ length: 10 }, () => pool.query('SELECT 1'))); // open the connections first
let requests = 0;
server.on('request', () => requests++);
process.on('message', () => process.send({ requests, cpu: process.cpuUsage() }));
server.listen(Number(port), '127.0.0.1', () => process.send?.('ready'));
