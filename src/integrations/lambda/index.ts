/**
 * @module canon/lambda
 * AWS Lambda handlers: `export const handler = canonLambda(canon, handler, options?)`.
 * One wide event per HTTP request (API Gateway REST and HTTP APIs, function URLs, ALB),
 * per SQS or SNS record (`kind: 'message'`; see `forEachRecord`), per EventBridge event
 * and per scheduled or direct invocation (`kind: 'job'`), each with `faas.coldstart`,
 * `faas.invocation_id` and, at the end, `faas.remaining_ms`; trace context from
 * `traceparent` or X-Ray. Every event is written and the sinks flushed before the
 * handler's promise resolves, since the runtime may freeze the process right after.
 * Shortly before the invocation would time out, its events are emitted as failed
 * (`LambdaTimeout`), so a timeout is recorded too.
 */
import type { Canon } from '../../core/canon.js';
import { storage } from '../../core/context.js';
import { describe, invalidOption } from '../../core/errors.js';
import { integerOption } from '../../core/option-checks.js';
import { type HttpAdapterOptions, resolveAdapterOptions } from '../../http/options.js';
import { startSingleInvocation } from './events.js';
import { faasFields, type LambdaContext, nextIsColdStart, remainingMs } from './faas.js';
import { startHttpInvocation } from './http.js';
import type { Invocation } from './invocation.js';
import { startRecordsInvocation } from './records.js';
import { lambdaSource, TRIGGERS } from './sources.js';

export { type BatchResponse, type ForEachRecordOptions, forEachRecord } from './for-each-record.js';
export type { LambdaContext } from './faas.js';
export { recordEvent } from './records.js';
export type { LambdaSource } from './sources.js';

/** Options of {@link canonLambda}. */
export interface CanonLambdaOptions extends HttpAdapterOptions {
  /**
   * When the invocation has this many milliseconds left and the handler has not
   * settled, its events are emitted as failed (`error.type: 'LambdaTimeout'`) and
   * flushed. Default 500; 0 turns it off.
   */
  timeoutMarginMs?: number;
}

/** An async Lambda handler: `(event, context) => Promise<result>`. */
export type LambdaHandler<E, R, C extends LambdaContext = LambdaContext> = (event: E, context: C) => R | Promise<R>;

const FRAMEWORK = { canonOption: 'canonLambda(canon)', passThrough: ['timeoutMarginMs'] };

function startInvocation(
  canon: Canon,
  event: unknown,
  context: LambdaContext | undefined,
  settings: ReturnType<typeof resolveAdapterOptions>,
): Invocation {
  const source = lambdaSource(event);
  const faas = faasFields(context, source, nextIsColdStart());
  const name = context?.functionName ?? 'lambda';
  const shape = event as Record<string, any>;
  if (source === 'sqs' || source === 'sns') {
    return startRecordsInvocation(canon, shape, source === 'sqs', name, () => ({ ...faas }));
  }
  if (TRIGGERS[source] === 'http') {
    return startHttpInvocation(canon, shape, source, settings.tenant, faas);
  }
  return startSingleInvocation(canon, event, source, name, faas);
}

/**
 * Fails the invocation's events shortly before the runtime would kill it, once the
 * context says `marginMs` or less is left: a timer can fire a little early against the
 * context's clock (Node's timers run on the event loop's cached time), so it checks and
 * waits out the rest. Returns the function that disarms it.
 */
function timeoutGuard(invocation: Invocation, context: LambdaContext | undefined, marginMs: number, canon: Canon) {
  const remaining = marginMs > 0 ? remainingMs(context) : undefined;
  if (remaining === undefined || remaining <= marginMs) return undefined; // no time to guard
  let timer: ReturnType<typeof setTimeout>;
  const arm = (delayMs: number) => {
    timer = setTimeout(function canonLambdaTimeout() {
      const left = remainingMs(context);
      if (left !== undefined && left > marginMs) return arm(left - marginMs);
      invocation.fail({ name: 'LambdaTimeout', message: `the invocation had ${marginMs} ms left and the handler had not settled` }, left);
      void canon.flush();
    }, delayMs);
    timer.unref?.();
  };
  arm(remaining - marginMs);
  return () => clearTimeout(timer);
}

/**
 * Wraps an async Lambda handler so every unit of work in its invocations is one wide
 * event, written before the returned promise resolves. Invalid arguments throw a
 * `CanonOptionError` here, at cold start, never in an invocation.
 *
 * @example
 * import type { APIGatewayProxyEventV2 } from 'aws-lambda';
 * import { createCanon, getWideEvent } from 'canon';
 * import { canonLambda } from 'canon/lambda';
 *
 * const canon = createCanon({ service: 'orders-api' });
 * export const handler = canonLambda(canon, async (event: APIGatewayProxyEventV2) => {
 *   getWideEvent()?.set('user.id', event.pathParameters?.id);
 *   return { statusCode: 200, body: JSON.stringify({ ok: true }) };
 * });
 */
export function canonLambda<E, R, C extends LambdaContext = LambdaContext>(
  canon: Canon,
  handler: LambdaHandler<E, R, C>,
  options?: CanonLambdaOptions,
): (event: E, context: C) => Promise<R> {
  const settings = resolveAdapterOptions('canonLambda', canon, options, FRAMEWORK);
  if (typeof handler !== 'function') {
    throw invalidOption('canonLambda(handler)', `expected (event, context) => Promise<result>, got ${describe(handler)}`);
  }
  if (handler.length > 2) {
    throw invalidOption('canonLambda(handler)', 'callback-style handlers (event, context, callback) are not supported: return a promise');
  }
  const marginMs = integerOption(options?.timeoutMarginMs, 'timeoutMarginMs', 500, { min: 0 });
  return async function canonLambdaHandler(event: E, context: C): Promise<R> {
    const invocation = startInvocation(canon, event, context, settings);
    if ('refused' in invocation && invocation.refused !== undefined) {
      await canon.flush();
      return invocation.refused as R;
    }
    const disarm = timeoutGuard(invocation, context, marginMs, canon);
    try {
      const scope = invocation.scope;
      const result = await (scope ? storage.run(scope, handler, event, context) : handler(event, context));
      return invocation.settle(result, remainingMs(context)) as R;
    } catch (err) {
      invocation.fail(err, remainingMs(context));
      throw err;
    } finally {
      disarm?.();
      await canon.flush();
    }
  };
}
