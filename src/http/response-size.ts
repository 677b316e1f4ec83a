/**
 * @module canon/http/response-size
 * Counts the body bytes each tracked response sends. `ServerResponse.prototype.write` and
 * `end` are wrapped once per process (as APM agents do): assigning methods on every
 * response object would cost far more (V8 slows down every response on Node 20). Untracked
 * responses pay one property read per write.
 */
import { ServerResponse } from 'node:http';

/** Where a tracked response keeps its Canon state; shared by duplicate installs. */
export const kResponseState = Symbol.for('canon.http.state');
const kWrapped = Symbol.for('canon.http.wrapped');

/** The part of a response's state this module maintains. */
export interface BodyCounter {
  bytes: number;
}

type Tracked = ServerResponse & { [kResponseState]?: BodyCounter };

function byteLength(chunk: unknown, encoding: unknown): number {
  if (typeof chunk === 'string') {
    return Buffer.byteLength(chunk, typeof encoding === 'string' ? (encoding as BufferEncoding) : 'utf8');
  }
  return chunk instanceof Uint8Array ? chunk.byteLength : 0;
}

function wrapPrototype(): void {
  const proto = ServerResponse.prototype as ServerResponse & { [kWrapped]?: boolean };
  if (proto[kWrapped]) return;
  proto[kWrapped] = true;
  const { write, end } = proto;
  proto.write = function canonCountingWrite(this: Tracked, chunk: unknown, encoding?: unknown) {
    const state = this[kResponseState];
    if (state !== undefined) state.bytes += byteLength(chunk, encoding);
    // eslint-disable-next-line prefer-rest-params -- forward exactly what the caller passed
    return write.apply(this, arguments as never);
  } as ServerResponse['write'];
  proto.end = function canonCountingEnd(this: Tracked, chunk?: unknown, encoding?: unknown) {
    const state = this[kResponseState];
    if (state !== undefined && typeof chunk !== 'function') state.bytes += byteLength(chunk, encoding);
    // eslint-disable-next-line prefer-rest-params -- forward exactly what the caller passed
    return end.apply(this, arguments as never);
  } as ServerResponse['end'];
}

/**
 * Attaches `state` to `res`; from then on `state.bytes` counts the body bytes written.
 *
 * @example
 * const state = { bytes: 0 };
 * trackResponse(res, state); res.end('hello'); state.bytes // 5
 */
export function trackResponse<S extends BodyCounter>(res: ServerResponse, state: S): void {
  wrapPrototype();
  (res as Tracked)[kResponseState] = state;
}

/** The state attached to `res` by {@link trackResponse}, if any. */
export function responseState<S extends BodyCounter>(res: ServerResponse): S | undefined {
  return (res as Tracked)[kResponseState] as S | undefined;
}
