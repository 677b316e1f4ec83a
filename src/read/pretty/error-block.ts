/**
 * @module canon/read/pretty/error-block
 * An event's `error` expanded under its line: type and message, code/status, the first
 * stack frames (when the event kept a stack), the cause chain and the members of an
 * AggregateError, each indented.
 */
import type { EventRecord } from '../types.js';
import type { Palette } from './colors.js';
import { cut, objectAt, textAt } from './values.js';

const MAX_CAUSES = 5;
const MAX_MEMBERS = 3;

function title(error: EventRecord): string {
  const type = textAt(error, 'type') ?? 'Error';
  const message = textAt(error, 'message');
  return message ? `${type}: ${cut(message, 300)}` : type;
}

function details(error: EventRecord): string {
  const parts: string[] = [];
  for (const key of ['code', 'status', 'retriable']) {
    const value = error[key];
    if (value !== undefined && value !== null && typeof value !== 'object') parts.push(`${key}=${value}`);
  }
  return parts.length > 0 ? `  ${parts.join(' ')}` : '';
}

function frames(error: EventRecord, count: number): string[] {
  const stack = textAt(error, 'stack');
  if (!stack || count <= 0) return [];
  return stack
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line.startsWith('at '))
    .slice(0, count);
}

/**
 * The lines describing `error` (without a trailing newline), indented by `indent`.
 *
 * @example
 * errorLines({ type: 'TypeError', message: 'x is undefined' }, NO_COLORS, 2, '  ')
 * // ['  ✖ TypeError: x is undefined']
 */
export function errorLines(error: EventRecord, paint: Palette, stackFrames: number, indent: string): string[] {
  const lines = [`${indent}${paint.red(`✖ ${title(error)}`)}${paint.dim(details(error))}`];
  for (const frame of frames(error, stackFrames)) lines.push(`${indent}    ${paint.dim(frame)}`);
  const members = error.errors;
  if (Array.isArray(members)) {
    members.slice(0, MAX_MEMBERS).forEach((member, i) => {
      if (member !== null && typeof member === 'object') {
        lines.push(`${indent}  ${paint.dim(`[${i}]`)} ${title(member as EventRecord)}`);
      }
    });
    if (members.length > MAX_MEMBERS) lines.push(`${indent}  ${paint.dim(`… ${members.length - MAX_MEMBERS} more`)}`);
  }
  let cause = objectAt(error, 'cause');
  for (let depth = 0; cause && depth < MAX_CAUSES; depth++) {
    lines.push(`${indent}  ${paint.dim('caused by')} ${title(cause)}${paint.dim(details(cause))}`);
    cause = objectAt(cause, 'cause');
  }
  return lines;
}
