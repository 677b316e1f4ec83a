/**
 * @module canon/http/request-id
 * The request id rule every adapter shares: trust an incoming `x-request-id` only when
 * it is 1–128 characters of `[A-Za-z0-9._:-]`, otherwise make a UUIDv7.
 */
import { uuidv7 } from '../core/ids.js';

export const REQUEST_ID_HEADER = 'x-request-id';
const VALID_REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/**
 * The request id to use for an incoming header value.
 *
 * @example
 * resolveRequestId('abc-123')       // 'abc-123'
 * resolveRequestId('<script>')      // a new UUIDv7
 */
export function resolveRequestId(header: string | string[] | undefined | null): string {
  return typeof header === 'string' && VALID_REQUEST_ID.test(header) ? header : uuidv7();
}
