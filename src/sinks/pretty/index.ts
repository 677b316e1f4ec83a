/**
 * @module canon/sinks/pretty
 * `prettySink`: events for people in development, one line each (errors expanded under
 * it), the view of `canon pretty`. It formats the emitted event — redacted, validated
 * and sampled like every sink's — never the live object. `createCanon({ pretty })`
 * picks it instead of `stdoutSink()` on a terminal outside production.
 */
import { isatty } from 'node:tty';
import { describe, invalidOption } from '../../core/errors.js';
import type { Sink } from '../../core/sink.js';
import { colorsEnabled } from '../../read/pretty/colors.js';
import { formatPretty, type PrettyOptions } from '../../read/pretty/format.js';
import { createLineSink } from '../line-sink.js';

export interface PrettySinkOptions extends Omit<PrettyOptions, 'colors'> {
  /** ANSI colours (default: when `fd` is a TTY and `NO_COLOR` is unset; `FORCE_COLOR` forces them). */
  colors?: boolean;
  /** File descriptor written to (default 1, stdout). */
  fd?: number;
}

/**
 * Writes each event as a pretty line to stdout (or `fd`), immediately.
 *
 * @example
 * createCanon({ sinks: [prettySink({ fields: ['request_id'] })] });
 */
export function prettySink(options: PrettySinkOptions = {}): Sink {
  if (options === null || typeof options !== 'object') {
    throw invalidOption('options', `expected { colors?, fields?, fd? }, got ${describe(options)}`);
  }
  const fd = options.fd ?? 1;
  if (!Number.isInteger(fd) || fd < 0) throw invalidOption('fd', `expected a file descriptor, got ${describe(fd)}`);
  if (options.fields !== undefined && (!Array.isArray(options.fields) || options.fields.some((f) => typeof f !== 'string'))) {
    throw invalidOption('fields', `expected an array of field paths, got ${describe(options.fields)}`);
  }
  const format: PrettyOptions = {
    ...options,
    colors: options.colors ?? colorsEnabled({ isTTY: isatty(fd) }),
  };
  const lines = createLineSink({ fd }, { minLength: 0 });
  return {
    write(_line, event) {
      lines.write(formatPretty(event, format));
    },
    flush: lines.flush,
    flushSync: lines.flushSync,
    close: lines.close,
  };
}
