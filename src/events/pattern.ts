/**
 * @module canon/events/pattern
 * Subscription patterns of the event bus: an exact type (`order.placed`), `*` for every
 * event, or dotted patterns where a `*` segment matches exactly one segment
 * (`order.*` matches `order.placed`, not `order.item.added`).
 */
import { describe, invalidOption } from '../core/errors.js';

export type Matcher = (type: string) => boolean;

/**
 * Compiles `pattern`; a `TypeError` naming `pattern` when it is empty, not a string, or
 * has `*` inside a segment (`order.pla*`).
 *
 * @example
 * compilePattern('order.*')('order.placed') // true
 */
export function compilePattern(pattern: unknown): Matcher {
  if (typeof pattern !== 'string' || pattern === '') {
    throw invalidOption('pattern', `expected an event type, 'entity.*' or '*', got ${describe(pattern)}`);
  }
  if (pattern === '*') return () => true;
  if (!pattern.includes('*')) return (type) => type === pattern;
  const segments = pattern.split('.');
  if (segments.some((segment) => segment === '' || (segment.includes('*') && segment !== '*'))) {
    throw invalidOption(
      'pattern',
      `${JSON.stringify(pattern)}: '*' must stand for a whole segment ('order.*')`,
    );
  }
  return (type) => {
    const parts = type.split('.');
    if (parts.length !== segments.length) return false;
    for (let i = 0; i < parts.length; i++) if (segments[i] !== '*' && segments[i] !== parts[i]) return false;
    return true;
  };
}
