/**
 * @module canon/lambda/sources
 * Which AWS service invoked the function, told from the event's shape (the documented
 * payloads): API Gateway REST (payload 1.0), HTTP API (2.0), Lambda function URLs, ALB,
 * SQS, SNS, EventBridge, EventBridge scheduled rules; anything else is `other` (a direct
 * invocation). `faas.trigger` follows OpenTelemetry's values.
 */

/** Where an invocation came from (`faas.source` on the event). */
export type LambdaSource =
  | 'api-gateway-rest'
  | 'api-gateway-http'
  | 'function-url'
  | 'alb'
  | 'sqs'
  | 'sns'
  | 'eventbridge'
  | 'schedule'
  | 'other';

/** OpenTelemetry's `faas.trigger` of each source. */
export const TRIGGERS: Record<LambdaSource, 'http' | 'pubsub' | 'timer' | 'other'> = {
  'api-gateway-rest': 'http',
  'api-gateway-http': 'http',
  'function-url': 'http',
  alb: 'http',
  sqs: 'pubsub',
  sns: 'pubsub',
  eventbridge: 'pubsub',
  schedule: 'timer',
  other: 'other',
};

type Shape = Record<string, unknown>;

function isObject(value: unknown): value is Shape {
  return typeof value === 'object' && value !== null;
}

function recordsSource(records: unknown): LambdaSource | undefined {
  if (!Array.isArray(records) || !isObject(records[0])) return undefined;
  const first = records[0];
  if (first.eventSource === 'aws:sqs') return 'sqs';
  if (first.EventSource === 'aws:sns') return 'sns';
  return undefined;
}

/**
 * The source of `event`.
 *
 * @example
 * lambdaSource({ version: '2.0', requestContext: { http: { method: 'GET' } } }) // 'api-gateway-http'
 */
export function lambdaSource(event: unknown): LambdaSource {
  if (!isObject(event)) return 'other';
  const context = event.requestContext;
  if (isObject(context)) {
    if (isObject(context.http) && typeof context.http.method === 'string') {
      const domain = context.domainName;
      return typeof domain === 'string' && domain.includes('.lambda-url.') ? 'function-url' : 'api-gateway-http';
    }
    if (typeof event.httpMethod === 'string') return isObject(context.elb) ? 'alb' : 'api-gateway-rest';
  }
  const fromRecords = recordsSource(event.Records);
  if (fromRecords) return fromRecords;
  if (typeof event['detail-type'] === 'string' && typeof event.source === 'string' && 'detail' in event) {
    return event.source === 'aws.events' && event['detail-type'] === 'Scheduled Event' ? 'schedule' : 'eventbridge';
  }
  return 'other';
}
