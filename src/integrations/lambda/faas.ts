/**
 * @module canon/lambda/faas
 * The `faas` fields every event of an invocation carries, after OpenTelemetry's FaaS
 * conventions: `name`, `version`, `invocation_id` (the Lambda request id), `coldstart`
 * (the first invocation of this execution environment, unless it was initialized for
 * provisioned concurrency), `trigger`, `source`, and at the end `remaining_ms` (the time
 * the invocation had left when its events were emitted).
 */
import type { Fields } from '../../core/paths.js';
import { type LambdaSource, TRIGGERS } from './sources.js';

/** The part of Lambda's context object Canon reads (the `Context` of `@types/aws-lambda` fits). */
export interface LambdaContext {
  functionName: string;
  functionVersion: string;
  awsRequestId: string;
  getRemainingTimeInMillis(): number;
}

let invocations = 0;

/**
 * @internal True for the first invocation in this process, unless provisioned ahead of time.
 *
 * @example
 * const coldstart = nextIsColdStart(); // once per invocation
 */
export function nextIsColdStart(): boolean {
  invocations++;
  return invocations === 1 && process.env.AWS_LAMBDA_INITIALIZATION_TYPE !== 'provisioned-concurrency';
}

/**
 * @internal The `faas` object of one event (a new object per event).
 *
 * @example
 * unit.fields.faas = faasFields(context, 'sqs', true);
 */
export function faasFields(context: LambdaContext | undefined, source: LambdaSource, coldstart: boolean): Fields {
  return {
    name: context?.functionName,
    version: context?.functionVersion,
    invocation_id: context?.awsRequestId,
    coldstart,
    trigger: TRIGGERS[source],
    source,
  };
}

/**
 * @internal Milliseconds the invocation has left, or undefined without a usable context.
 *
 * @example
 * unit.set('faas.remaining_ms', remainingMs(context));
 */
export function remainingMs(context: LambdaContext | undefined): number | undefined {
  try {
    const remaining = context?.getRemainingTimeInMillis();
    return typeof remaining === 'number' && Number.isFinite(remaining) ? remaining : undefined;
  } catch {
    return undefined;
  }
}
