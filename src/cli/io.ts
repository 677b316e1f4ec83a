/**
 * @module canon/cli/io
 * The command's output: a buffered writer on stdout that respects backpressure (so
 * `canon pretty` keeps up with a fast producer without holding everything in memory),
 * messages on stderr, and what the terminal is (TTY, width, colours).
 */
import { once } from 'node:events';
import { colorsEnabled } from '../read/pretty/colors.js';

/**
 * Characters buffered before a write. Kept small: a write first flattens the buffered
 * string, and once it holds one character past Latin-1 (pretty's `✖`) the flat copy is
 * two bytes a character; past 128 KiB V8 allocates it outside the young generation, in
 * fresh pages, on every write (Node 20 spent a fifth of `canon pretty` there at 64 Ki).
 */
const FLUSH_AT = 1 << 14;

export interface Output {
  /** Appends `text` (pushed out every 16 Ki characters); await it to respect backpressure. */
  write(text: string): Promise<void> | void;
  /** Writes what is buffered and waits until the stream took it. */
  flush(): Promise<void>;
  readonly isTTY: boolean;
  readonly colors: boolean;
  readonly columns: number;
}

/** True once stdout's reader has gone (`canon pretty | head`). */
let closed = false;

/** Waits for `stream` to drain or close, then drops both listeners (one wait per full pipe). */
async function drained(stream: NodeJS.WriteStream): Promise<void> {
  const done = new AbortController();
  try {
    await Promise.race([once(stream, 'drain', { signal: done.signal }), once(stream, 'close', { signal: done.signal })]);
  } finally {
    done.abort();
  }
}

/**
 * The buffered writer over `stream` (default stdout).
 *
 * @example
 * const out = createOutput();
 * await out.write('hello\n');
 * await out.flush();
 */
export function createOutput(stream: NodeJS.WriteStream = process.stdout): Output {
  let pending = '';
  stream.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') closed = true;
  });
  async function push(): Promise<void> {
    if (pending === '' || closed) return;
    const text = pending;
    pending = '';
    try {
      if (!stream.write(text)) await drained(stream);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EPIPE') throw err;
      closed = true;
    }
  }
  return {
    write(text) {
      pending += text;
      if (pending.length >= FLUSH_AT) return push();
    },
    async flush() {
      await push();
    },
    isTTY: stream.isTTY === true,
    colors: colorsEnabled(stream),
    columns: stream.columns || Number(process.env.COLUMNS) || 100,
  };
}

/**
 * Whether stdout was closed by its reader (stop producing, exit quietly).
 *
 * @example
 * if (outputClosed()) return EXIT_OK;
 */
export function outputClosed(): boolean {
  return closed;
}

/**
 * Writes one line to stderr.
 *
 * @example
 * warn('canon: no rows');
 */
export function warn(message: string): void {
  process.stderr.write(`${message}\n`);
}
