/**
 * @module canon/lambda/events
 * Invocations with one event each: an EventBridge event (`kind: 'message'`, the
 * consumers' `message` fields with `message.id` and `message.detail_type`,
 * `subject_or_queue` the event's `source`), a scheduled rule (`kind: 'job'`,
 * `job: { name: <rule>, scheduled_time }`) and anything else (`kind: 'job'`,
 * `job.name` the function). They continue the invocation's X-Ray trace.
 */
import type { Canon } from '../../core/canon.js';
import type { WideEvent } from '../../core/event.js';
import type { Fields } from '../../core/paths.js';
import { startMessageUnit } from '../../consumer/unit.js';
import { parseTraceparent } from '../../http/traceparent.js';
import { type Invocation, endWithRemaining, markOnce } from './invocation.js';
import type { LambdaSource } from './sources.js';
import { invocationTraceparent } from './xray.js';

type Shape = Record<string, any>;

class SingleInvocation implements Invocation {
  constructor(readonly scope: WideEvent) {}

  settle(result: unknown, remainingMs: number | undefined): unknown {
    endWithRemaining(this.scope, remainingMs);
    return result;
  }

  fail(err: unknown, remainingMs: number | undefined): void {
    markOnce(this.scope, err);
    endWithRemaining(this.scope, remainingMs);
  }
}

function eventBridgeUnit(canon: Canon, event: Shape, consumer: string): WideEvent {
  const published = Date.parse(event.time);
  const traceparent = invocationTraceparent();
  const unit = startMessageUnit(
    canon,
    { kind: 'eventbridge', consumer },
    {
      subject: String(event.source),
      attempt: 1,
      redelivered: false,
      publishedAt: Number.isFinite(published) ? published : undefined,
      header: (name) => (name === 'traceparent' ? traceparent : undefined),
    },
    undefined,
    undefined,
  );
  unit.set('message.id', event.id);
  unit.set('message.detail_type', event['detail-type']);
  return unit;
}

function jobUnit(canon: Canon, job: Fields): WideEvent {
  const parent = parseTraceparent(invocationTraceparent());
  return canon.startUnit({
    kind: 'job',
    traceId: parent?.traceId,
    parentSpanId: parent?.parentSpanId,
    traceFlags: parent?.flags,
    fields: { job },
  });
}

function ruleName(event: Shape): string | undefined {
  const rule = Array.isArray(event.resources) ? event.resources[0] : undefined;
  return typeof rule === 'string' ? rule.slice(rule.lastIndexOf('/') + 1) : undefined;
}

/**
 * @internal Starts the one unit of an EventBridge, scheduled or other invocation.
 *
 * @example
 * const invocation = startSingleInvocation(canon, event, 'schedule', 'nightly-report', faas);
 */
export function startSingleInvocation(
  canon: Canon,
  event: unknown,
  source: LambdaSource,
  functionName: string,
  faas: Fields,
): Invocation {
  const shape = (event ?? {}) as Shape;
  let unit: WideEvent;
  if (source === 'eventbridge') unit = eventBridgeUnit(canon, shape, functionName);
  else if (source === 'schedule') unit = jobUnit(canon, { name: ruleName(shape), scheduled_time: shape.time });
  else unit = jobUnit(canon, { name: functionName });
  unit.fields.faas = faas;
  return new SingleInvocation(unit);
}
