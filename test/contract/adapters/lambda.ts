/**
 * The contract app as one Lambda handler wrapped with `canonLambda`, behind a local
 * stand-in for API Gateway's HTTP API (as `sam local start-api` is): each HTTP request
 * becomes a payload-2.0 event (headers lowercased, repeated ones joined with `,`), the
 * handler is invoked with a context object, and its result becomes the response. A
 * handler that throws gets API Gateway's answer: 500 `{"message":"Internal Server
 * Error"}`. Lambda hears nothing of a client that leaves, so the abort test is skipped.
 */
import http from 'node:http';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { canonLambda } from '../../../src/integrations/lambda/index.js';
import { lambdaContext } from '../../integrations/lambda/events.js';
import { listen } from '../../helpers/http.js';
import { sleep } from '../../helpers/wait.js';
import type { HttpAdapterEntry } from '../http.js';
import { afterBody, chunks, contextEcho, echo, tenantEcho, thrown, usersDeepEnrich } from './shared.js';

type Result = APIGatewayProxyStructuredResultV2;

function json(body: unknown): Result {
  return { statusCode: 200, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) };
}

/** The contract routes as a Lambda handler for HTTP API events. */
async function contractHandler(event: APIGatewayProxyEventV2): Promise<Result> {
  const path = event.rawPath;
  const user = /^\/users\/([^/]+)$/.exec(path);
  const echoed = /^\/echo\/(\d+)$/.exec(path);
  if (user) {
    await usersDeepEnrich(user[1]);
    return json({ id: user[1] });
  }
  if (path === '/throw') {
    await sleep(1);
    throw thrown();
  }
  if (path === '/stream') {
    let body = '';
    for await (const chunk of chunks()) body += chunk; // Lambda answers with the whole body
    return { statusCode: 200, headers: { 'content-type': 'text/plain' }, body };
  }
  if (echoed) return { statusCode: 200, body: String(await echo(Number(echoed[1]))) };
  if (path === '/tenant') return json(await tenantEcho());
  if (path === '/context') return json(await contextEcho());
  if (path === '/body' && event.requestContext.http.method === 'POST') {
    const text = event.isBase64Encoded ? Buffer.from(event.body ?? '', 'base64').toString() : (event.body ?? '');
    return json(await afterBody(JSON.parse(text)));
  }
  return { statusCode: 404, body: 'not found' };
}

/** Reads a node:http request into a payload-2.0 event, as API Gateway's HTTP API does. */
async function toEvent(req: http.IncomingMessage): Promise<APIGatewayProxyEventV2> {
  const parts: Buffer[] = [];
  for await (const part of req) parts.push(part as Buffer);
  const body = Buffer.concat(parts);
  const headers: Record<string, string> = {};
  for (let i = 0; i < req.rawHeaders.length; i += 2) {
    const name = req.rawHeaders[i].toLowerCase();
    headers[name] = name in headers ? `${headers[name]},${req.rawHeaders[i + 1]}` : req.rawHeaders[i + 1];
  }
  const url = new URL(req.url ?? '/', 'http://localhost');
  const now = Date.now();
  return {
    version: '2.0',
    routeKey: '$default',
    rawPath: url.pathname,
    rawQueryString: url.search.slice(1),
    headers,
    requestContext: {
      accountId: '123456789012',
      apiId: 'local',
      domainName: 'local.execute-api.us-east-2.amazonaws.com',
      domainPrefix: 'local',
      http: {
        method: req.method ?? 'GET',
        path: url.pathname,
        protocol: `HTTP/${req.httpVersion}`,
        sourceIp: req.socket.remoteAddress ?? '127.0.0.1',
        userAgent: headers['user-agent'] ?? '',
      },
      requestId: `local-${now}`,
      routeKey: '$default',
      stage: '$default',
      time: new Date(now).toUTCString(),
      timeEpoch: now,
    },
    body: body.length > 0 ? body.toString('base64') : undefined,
    isBase64Encoded: body.length > 0,
  };
}

/** Writes a handler's result as API Gateway's HTTP API does. */
function respond(res: http.ServerResponse, result: Result | undefined): void {
  res.statusCode = result?.statusCode ?? 200;
  for (const [name, value] of Object.entries(result?.headers ?? {})) res.setHeader(name, String(value));
  const body = result?.body ?? '';
  res.end(result?.isBase64Encoded ? Buffer.from(body, 'base64') : body);
}

export const lambdaEntry: HttpAdapterEntry = {
  name: 'lambda (HTTP API)',
  routes: false,
  errorHandler: false,
  errorsRethrown: true,
  aborts: false,
  async start(canon, options) {
    const handler = canonLambda(canon, contractHandler, options);
    const server = http.createServer(async (req, res) => {
      try {
        respond(res, (await handler(await toEvent(req), lambdaContext())) as Result);
      } catch {
        res.statusCode = 500;
        res.setHeader('content-type', 'application/json');
        res.end('{"message":"Internal Server Error"}');
      }
    });
    return listen(server);
  },
};
