/**
 * @module canon/lambda/xray
 * AWS X-Ray trace headers (`_X_AMZN_TRACE_ID`, `X-Amzn-Trace-Id`, SQS's
 * `AWSTraceHeader`) as W3C trace context, the way OpenTelemetry's X-Ray propagator maps
 * them: `Root=1-5759e988-bd862e3fe1be46a994272793` is trace id
 * `5759e988bd862e3fe1be46a994272793`, `Parent` the parent span id, `Sampled=1` flags `01`.
 */
import { SAMPLED_FLAGS, SPAN_ID_PATTERN, TRACE_ID_PATTERN, UNSAMPLED_FLAGS } from '../../core/ids.js';
import { formatTraceparent } from '../../http/traceparent.js';

const ROOT = /^1-([0-9a-f]{8})-([0-9a-f]{24})$/;
/** Longer headers are not read (X-Ray's are well under 256 characters). */
const MAX_LENGTH = 1024;

/**
 * The `traceparent` equivalent of an X-Ray trace header, or undefined when it has no
 * valid `Root` and `Parent`.
 *
 * @example
 * xrayTraceparent('Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1')
 * // '00-5759e988bd862e3fe1be46a994272793-53995c3f42cd8ad8-01'
 */
export function xrayTraceparent(header: string | undefined | null): string | undefined {
  if (typeof header !== 'string' || header.length > MAX_LENGTH) return undefined;
  let traceId: string | undefined;
  let parent: string | undefined;
  let flags = UNSAMPLED_FLAGS;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    const key = part.slice(0, eq).trim();
    const value = part.slice(eq + 1).trim();
    if (key === 'Root') {
      const root = ROOT.exec(value);
      traceId = root ? root[1] + root[2] : undefined;
    } else if (key === 'Parent') parent = value;
    else if (key === 'Sampled' && value === '1') flags = SAMPLED_FLAGS;
  }
  if (traceId === undefined || !TRACE_ID_PATTERN.test(traceId)) return undefined;
  if (parent === undefined || !SPAN_ID_PATTERN.test(parent)) return undefined;
  return formatTraceparent(traceId, parent, flags);
}

/**
 * The invocation's own X-Ray context (`_X_AMZN_TRACE_ID`, set by the runtime for each
 * invocation) as a `traceparent`, if any.
 *
 * @example
 * const parent = invocationTraceparent();
 */
export function invocationTraceparent(): string | undefined {
  return xrayTraceparent(process.env._X_AMZN_TRACE_ID);
}
