/**
 * Sample events of each Lambda source, in the shapes AWS documents for them (Lambda
 * developer guide, "Using AWS Lambda with ..." pages) and `@types/aws-lambda` types,
 * plus a context object as the Node.js runtime passes it. Each builder returns a fresh
 * copy, so a test can change one without touching the others.
 */
import type {
  ALBEvent,
  APIGatewayProxyEvent,
  APIGatewayProxyEventV2,
  Context,
  EventBridgeEvent,
  LambdaFunctionURLEvent,
  ScheduledEvent,
  SNSEvent,
  SQSEvent,
  SQSRecord,
} from 'aws-lambda';

/** The Node.js runtime's context object; the deadline is `timeoutMs` from now. */
export function lambdaContext(timeoutMs = 30_000, overrides: Partial<Context> = {}): Context {
  const deadline = Date.now() + timeoutMs;
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName: 'orders-api',
    functionVersion: '$LATEST',
    invokedFunctionArn: 'arn:aws:lambda:us-east-2:123456789012:function:orders-api',
    memoryLimitInMB: '512',
    awsRequestId: 'c6af9ac6-7b61-11e6-9a41-93e812345678',
    logGroupName: '/aws/lambda/orders-api',
    logStreamName: '2026/12/06/[$LATEST]2e1d1e2a3f2b4d5c',
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: () => {},
    fail: () => {},
    succeed: () => {},
    ...overrides,
  };
}

/** API Gateway REST API, Lambda proxy integration (payload format 1.0). */
export function restEvent(): APIGatewayProxyEvent {
  return {
    resource: '/users/{id}',
    path: '/users/42',
    httpMethod: 'GET',
    headers: {
      Accept: '*/*',
      Host: 'a1b2c3d4e5.execute-api.us-east-2.amazonaws.com',
      'User-Agent': 'curl/8.5.0',
      'X-Amzn-Trace-Id': 'Root=1-5e272390-8c398be037738dc042009320',
      'X-Forwarded-For': '198.51.100.7',
      'X-Forwarded-Port': '443',
      'X-Forwarded-Proto': 'https',
    },
    multiValueHeaders: {
      Accept: ['*/*'],
      Host: ['a1b2c3d4e5.execute-api.us-east-2.amazonaws.com'],
      'User-Agent': ['curl/8.5.0'],
      'X-Amzn-Trace-Id': ['Root=1-5e272390-8c398be037738dc042009320'],
      'X-Forwarded-For': ['198.51.100.7'],
      'X-Forwarded-Port': ['443'],
      'X-Forwarded-Proto': ['https'],
    },
    queryStringParameters: { verbose: 'true' },
    multiValueQueryStringParameters: { verbose: ['true'] },
    pathParameters: { id: '42' },
    stageVariables: null,
    requestContext: {
      accountId: '123456789012',
      apiId: 'a1b2c3d4e5',
      authorizer: null,
      domainName: 'a1b2c3d4e5.execute-api.us-east-2.amazonaws.com',
      domainPrefix: 'a1b2c3d4e5',
      extendedRequestId: 'JJbxmHc1oAMFdQg=',
      httpMethod: 'GET',
      identity: {
        accessKey: null,
        accountId: null,
        apiKey: null,
        apiKeyId: null,
        caller: null,
        clientCert: null,
        cognitoAuthenticationProvider: null,
        cognitoAuthenticationType: null,
        cognitoIdentityId: null,
        cognitoIdentityPoolId: null,
        principalOrgId: null,
        sourceIp: '198.51.100.7',
        user: null,
        userAgent: 'curl/8.5.0',
        userArn: null,
      },
      path: '/prod/users/42',
      protocol: 'HTTP/1.1',
      requestId: 'JJbxmHc1oAMFdQg=',
      requestTime: '06/Dec/2026:07:35:12 +0000',
      requestTimeEpoch: 1796542512000,
      resourceId: 'abc123',
      resourcePath: '/users/{id}',
      stage: 'prod',
    },
    body: null,
    isBase64Encoded: false,
  };
}

/** API Gateway HTTP API (payload format 2.0). */
export function httpApiEvent(): APIGatewayProxyEventV2 {
  return {
    version: '2.0',
    routeKey: 'POST /users/{id}/orders',
    rawPath: '/users/42/orders',
    rawQueryString: 'dry=1',
    cookies: ['session=abc'],
    headers: {
      accept: 'application/json',
      'content-length': '13',
      'content-type': 'application/json',
      host: 'r3pmxmplak.execute-api.us-east-2.amazonaws.com',
      'user-agent': 'Mozilla/5.0',
      'x-amzn-trace-id': 'Root=1-5e6722a7-cc56xmpl46db7ae02d4da47e',
      'x-forwarded-for': '205.255.255.176',
    },
    queryStringParameters: { dry: '1' },
    requestContext: {
      accountId: '123456789012',
      apiId: 'r3pmxmplak',
      domainName: 'r3pmxmplak.execute-api.us-east-2.amazonaws.com',
      domainPrefix: 'r3pmxmplak',
      http: {
        method: 'POST',
        path: '/users/42/orders',
        protocol: 'HTTP/1.1',
        sourceIp: '205.255.255.176',
        userAgent: 'Mozilla/5.0',
      },
      requestId: 'JKJaXmPLvHcESHA=',
      routeKey: 'POST /users/{id}/orders',
      stage: '$default',
      time: '06/Dec/2026:07:35:13 +0000',
      timeEpoch: 1796542513000,
    },
    pathParameters: { id: '42' },
    body: '{"items": 3}',
    isBase64Encoded: false,
  };
}

/** A Lambda function URL request (payload format 2.0, `$default` route). */
export function functionUrlEvent(): LambdaFunctionURLEvent {
  return {
    version: '2.0',
    routeKey: '$default',
    rawPath: '/health',
    rawQueryString: '',
    headers: {
      host: 'abcdefghijklmnopqrstuvwxyz123456.lambda-url.us-east-2.on.aws',
      'user-agent': 'health-checker/1.0',
      'x-amzn-trace-id': 'Root=1-5eb33c07-296d09e3b2fbc1a25ac3d7be',
    },
    requestContext: {
      accountId: 'anonymous',
      apiId: 'abcdefghijklmnopqrstuvwxyz123456',
      domainName: 'abcdefghijklmnopqrstuvwxyz123456.lambda-url.us-east-2.on.aws',
      domainPrefix: 'abcdefghijklmnopqrstuvwxyz123456',
      http: {
        method: 'GET',
        path: '/health',
        protocol: 'HTTP/1.1',
        sourceIp: '123.123.123.123',
        userAgent: 'health-checker/1.0',
      },
      requestId: 'c6af9ac6-7b61-11e6-9a41-93e8deadbeef',
      routeKey: '$default',
      stage: '$default',
      time: '06/Dec/2026:07:35:14 +0000',
      timeEpoch: 1796542514000,
    },
    isBase64Encoded: false,
  };
}

/** An Application Load Balancer request with multi-value headers enabled. */
export function albEvent(): ALBEvent {
  return {
    requestContext: {
      elb: {
        targetGroupArn: 'arn:aws:elasticloadbalancing:us-east-2:123456789012:targetgroup/lambda-279XGJDqGZ5rsrHC2Fjr/49e9d65c45c6791a',
      },
    },
    httpMethod: 'GET',
    path: '/lambda',
    multiValueQueryStringParameters: { query: ['1234ABCD'] },
    multiValueHeaders: {
      accept: ['text/html'],
      'user-agent': ['Mozilla/5.0 (X11; Linux x86_64)'],
      'x-amzn-trace-id': ['Root=1-5c536348-3d683b8b04734faae651f476'],
      'x-request-id': ['alb-req-1'],
    },
    body: '',
    isBase64Encoded: false,
  };
}

/** One SQS record as Lambda delivers it. */
export function sqsRecord(n: number, queueArn = 'arn:aws:sqs:us-east-2:123456789012:my-queue'): SQSRecord {
  return {
    messageId: `059f36b4-87a3-44ab-83d2-66197583000${n}`,
    receiptHandle: `AQEBwJnKyrHigUMZj6rYigCgxlaS3SLy0a-${n}`,
    body: JSON.stringify({ order: n }),
    attributes: {
      ApproximateReceiveCount: '1',
      SentTimestamp: String(Date.now() - 1_000),
      SenderId: 'AIDAIENQZJOLO23YVJ4VO',
      ApproximateFirstReceiveTimestamp: String(Date.now() - 900),
    },
    messageAttributes: {},
    md5OfBody: 'e4e68fb7bd0e697a0ae8f1bb342846b3',
    eventSource: 'aws:sqs',
    eventSourceARN: queueArn,
    awsRegion: 'us-east-2',
  };
}

/** An SQS batch of `count` records. */
export function sqsEvent(count = 3, queueArn?: string): SQSEvent {
  return { Records: Array.from({ length: count }, (_, n) => sqsRecord(n + 1, queueArn)) };
}

/** An SNS notification. */
export function snsEvent(): SNSEvent {
  return {
    Records: [
      {
        EventVersion: '1.0',
        EventSubscriptionArn: 'arn:aws:sns:us-east-2:123456789012:sns-lambda:21be56ed-a058-49f5-8c98-aedd2564c486',
        EventSource: 'aws:sns',
        Sns: {
          SignatureVersion: '1',
          Timestamp: new Date(Date.now() - 2_000).toISOString(),
          Signature: 'tcc6faL2yUC6dgZdmrwh1Y4cGa/ebXEkAi6RibDsvpi+tE/1+82j...65r==',
          SigningCertUrl: 'https://sns.us-east-2.amazonaws.com/SimpleNotificationService-ac565b8b1a6c5d002d285f9598aa1d9b.pem',
          MessageId: '95df01b4-ee98-5cb9-9903-4c221d41eb5e',
          Message: 'Hello from SNS!',
          MessageAttributes: {
            Test: { Type: 'String', Value: 'TestString' },
            TestBinary: { Type: 'Binary', Value: 'TestBinary' },
          },
          Type: 'Notification',
          UnsubscribeUrl: 'https://sns.us-east-2.amazonaws.com/?Action=Unsubscribe&SubscriptionArn=arn:aws:sns:us-east-2:123456789012:test-lambda:21be56ed',
          TopicArn: 'arn:aws:sns:us-east-2:123456789012:sns-lambda',
          Subject: 'TestInvoke',
        },
      },
    ],
  };
}

/** An EventBridge event from a custom source. */
export function eventBridgeEvent(): EventBridgeEvent<'Order Placed', { orderId: string }> {
  return {
    version: '0',
    id: '6a7e8feb-b491-4cf7-a9f1-bf3703467718',
    'detail-type': 'Order Placed',
    source: 'com.example.orders',
    account: '123456789012',
    time: new Date(Date.now() - 3_000).toISOString(),
    region: 'us-east-2',
    resources: [],
    detail: { orderId: 'o_1' },
  };
}

/** An EventBridge scheduled rule's event. */
export function scheduledEvent(): ScheduledEvent {
  return {
    version: '0',
    id: '53dc4d37-cffa-4f76-80c9-8b7d4a4d2eaa',
    'detail-type': 'Scheduled Event',
    source: 'aws.events',
    account: '123456789012',
    time: '2026-12-06T07:00:00Z',
    region: 'us-east-2',
    resources: ['arn:aws:events:us-east-2:123456789012:rule/nightly-report'],
    detail: {},
  };
}
