/**
 * `npx tsx examples/lambda/main.ts`: Lambda handlers wrapped with `canonLambda`, invoked
 * here the way the Node.js runtime invokes them (an event and a context object): an
 * HTTP API request, then an SQS batch of three orders of which one fails. Prints the
 * wide events (one per request, one per record) on stdout; every one is written before
 * the handler's promise resolves.
 */
import type { APIGatewayProxyEventV2, Context, SQSEvent, SQSRecord } from 'aws-lambda';
import { createCanon, getWideEvent } from '../../src/index.js';
import { canonLambda, forEachRecord } from '../../src/integrations/lambda/index.js';

const canon = createCanon({ service: 'orders' });

export const httpHandler = canonLambda(canon, async (event: APIGatewayProxyEventV2) => {
  getWideEvent()?.set('order.id', event.pathParameters?.id);
  return { statusCode: 200, headers: { 'content-type': 'application/json' }, body: '{"status":"shipped"}' };
});

export const queueHandler = canonLambda(canon, (event: SQSEvent) =>
  forEachRecord(event, async (record) => {
    const order = JSON.parse(record.body) as { id: string; total: number };
    getWideEvent()?.set('order', order);
    if (order.total < 0) throw new RangeError(`order ${order.id} has a negative total`);
  }),
);

function context(): Context {
  const deadline = Date.now() + 3_000;
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName: 'orders',
    functionVersion: '$LATEST',
    invokedFunctionArn: 'arn:aws:lambda:eu-west-1:123456789012:function:orders',
    memoryLimitInMB: '256',
    awsRequestId: crypto.randomUUID(),
    logGroupName: '/aws/lambda/orders',
    logStreamName: 'example',
    getRemainingTimeInMillis: () => deadline - Date.now(),
    done: () => {},
    fail: () => {},
    succeed: () => {},
  };
}

const request: APIGatewayProxyEventV2 = {
  version: '2.0',
  routeKey: 'GET /orders/{id}',
  rawPath: '/orders/o_17',
  rawQueryString: '',
  headers: { 'user-agent': 'curl/8.5.0', 'x-request-id': 'example-1' },
  pathParameters: { id: 'o_17' },
  requestContext: {
    accountId: '123456789012',
    apiId: 'example',
    domainName: 'example.execute-api.eu-west-1.amazonaws.com',
    domainPrefix: 'example',
    http: { method: 'GET', path: '/orders/o_17', protocol: 'HTTP/1.1', sourceIp: '203.0.113.9', userAgent: 'curl/8.5.0' },
    requestId: 'example-apigw-1',
    routeKey: 'GET /orders/{id}',
    stage: '$default',
    time: new Date().toUTCString(),
    timeEpoch: Date.now(),
  },
  isBase64Encoded: false,
};

function record(id: string, total: number): SQSRecord {
  return {
    messageId: `msg-${id}`,
    receiptHandle: `handle-${id}`,
    body: JSON.stringify({ id, total }),
    attributes: {
      ApproximateReceiveCount: '1',
      SentTimestamp: String(Date.now() - 250),
      SenderId: 'AIDAEXAMPLE',
      ApproximateFirstReceiveTimestamp: String(Date.now() - 200),
    },
    messageAttributes: {},
    md5OfBody: '',
    eventSource: 'aws:sqs',
    eventSourceARN: 'arn:aws:sqs:eu-west-1:123456789012:orders',
    awsRegion: 'eu-west-1',
  };
}

const answer = await httpHandler(request, context());
process.stderr.write(`HTTP answer: ${JSON.stringify(answer)}\n`);
const batch = await queueHandler({ Records: [record('o_1', 10), record('o_2', -5), record('o_3', 7)] }, context());
process.stderr.write(`SQS answer: ${JSON.stringify(batch)}\n`);
await canon.close();
