/**
 * @module canon/core/markers
 * The strings Canon writes where a value cannot be kept as it is. The merge of the event
 * handle and the snapshot walk use the same ones, so a value reads the same in the
 * output whichever way it reached the event.
 */

/** A reference back to an object that contains it. */
export const CIRCULAR = '[Circular]';
/** An object nested deeper than `limits.depth`. */
export const TOO_DEEP = '[Truncated: depth]';
/** A value that could not be read: a getter or `toJSON` that throws, a revoked Proxy. */
export const UNSERIALIZABLE = '[Unserializable]';
