// `npm run bench:integrations`: what canon/fetch-handler and canon/lambda add to one
// invocation, measured in-process against the same handler unwrapped, variants
// interleaved over rounds (medians and the spread across rounds). Canon runs its default
// pipeline with the stdout sink; run with stdout to /dev/null (the npm script does).
// The Lambda variants include what a real invocation pays: the flush of every event
// (one write) before the promise resolves. Output (a Markdown table) goes to stderr.
import { performance } from 'node:perf_hooks';
import { createCanon } from '../../dist/index.js';
import { withCanon } from '../../dist/integrations/fetch-handler/index.js';
import { canonLambda, forEachRecord } from '../../dist/integrations/lambda/index.js';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const ITERATIONS = Number(process.env.BENCH_ITERATIONS ?? 20_000);
const canon = createCanon({ service: 'bench', handleExit: false });

const context = {
  functionName: 'bench',
  functionVersion: '$LATEST',
  awsRequestId: 'c6af9ac6-7b61-11e6-9a41-93e812345678',
  getRemainingTimeInMillis: () => 30_000,
};
const httpEvent = {
  version: '2.0',
  routeKey: 'GET /users/{id}',
  rawPath: '/users/7',
  rawQueryString: '',
  headers: { 'user-agent': 'bench', host: 'x.execute-api.eu-west-1.amazonaws.com' },
  requestContext: { http: { method: 'GET', path: '/users/7' }, domainName: 'x.execute-api.eu-west-1.amazonaws.com' },
  isBase64Encoded: false,
};
const sqsEvent = {
  Records: Array.from({ length: 10 }, (_, n) => ({
    messageId: `m${n}`,
    body: `{"n":${n}}`,
    attributes: { ApproximateReceiveCount: '1', SentTimestamp: String(Date.now()) },
    messageAttributes: {},
    eventSource: 'aws:sqs',
    eventSourceARN: 'arn:aws:sqs:eu-west-1:123456789012:bench',
  })),
};

const fetchHandler = async () => Response.json({ ok: true });
const lambdaHttp = async () => ({ statusCode: 200, body: '{"ok":true}' });
const sqsBare = async (event) => {
  for (const record of event.Records) JSON.parse(record.body);
  return { batchItemFailures: [] };
};
const sqsCanon = (event) => forEachRecord(event, (record) => JSON.parse(record.body));

const wrappedFetch = withCanon(canon, fetchHandler);
const variants = {
  'fetch-handler:bare': async () => (await fetchHandler(new Request('http://localhost/users/7'))).text(),
  'fetch-handler:canon': async () => (await wrappedFetch(new Request('http://localhost/users/7'))).text(),
  'lambda-http:bare': () => lambdaHttp(httpEvent, context),
  'lambda-http:canon': canonLambda(canon, lambdaHttp).bind(null, httpEvent, context),
  'lambda-sqs×10:bare': () => sqsBare(sqsEvent, context),
  'lambda-sqs×10:canon': canonLambda(canon, sqsCanon).bind(null, sqsEvent, context),
};

async function measure(fn) {
  const started = performance.now();
  for (let i = 0; i < ITERATIONS; i++) await fn();
  return ((performance.now() - started) * 1000) / ITERATIONS; // µs per invocation
}

for (const fn of Object.values(variants)) for (let i = 0; i < 2_000; i++) await fn(); // warm-up
const samples = Object.fromEntries(Object.keys(variants).map((name) => [name, []]));
for (let round = 0; round < ROUNDS; round++) {
  for (const [name, fn] of Object.entries(variants)) samples[name].push(await measure(fn));
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const lines = [
  `Node ${process.version}, ${ROUNDS} interleaved rounds × ${ITERATIONS} invocations, medians (min–max across rounds)`,
  '',
  '| variant | µs/invocation | range | vs bare |',
  '|---|---:|---:|---:|',
];
for (const [name, xs] of Object.entries(samples)) {
  const bare = samples[name.replace(/:canon$/, ':bare')];
  const ratio = median(xs) / median(bare);
  lines.push(
    `| ${name} | ${median(xs).toFixed(2)} | ${Math.min(...xs).toFixed(2)}–${Math.max(...xs).toFixed(2)} | ${ratio.toFixed(2)} |`,
  );
}
process.stderr.write(`${lines.join('\n')}\n`);
await canon.close();
