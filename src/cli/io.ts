/**
 * @module canon/cli/io
 * The command's output: a buffered writer on stdout that respects backpressure (so
 * `canon pretty` keeps up with a fast producer without holding everything in memory),
 * messages on stderr, and what the terminal is (TTY, width, colours).
 */
import { once } from 'node:events';
import { colorsEnabled } from '../read/pretty/colors.js';

/**
 * Bytes buffered before a write. Each text is encoded into the buffer as it comes: a
 * string buffered instead would be flattened first, and one character past Latin-1
 * (pretty's `✖`) makes the whole flat copy two bytes a character, slow to copy and encode.
 */
const CHUNK = 1 << 16;

export interface Output {
  /** Appends `text` (pushed out every 64 KiB); await it to respect backpressure. */
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
  let chunk = Buffer.allocUnsafe(CHUNK);
  let used = 0;
  stream.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') closed = true;
  });
  async function send(data: Buffer | string): Promise<void> {
    if (closed) return;
    try {
      if (!stream.write(data)) await drained(stream);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EPIPE') throw err;
      closed = true;
    }
  }
  function push(): Promise<void> {
    const data = chunk.subarray(0, used);
    chunk = Buffer.allocUnsafe(CHUNK);
    used = 0;
    return send(data);
  }
  return {
    write(text) {
      const room = text.length * 3; // a UTF-16 unit takes at most 3 bytes in UTF-8
      const pushed = used > 0 && used + room > CHUNK ? push() : undefined;
      if (room > CHUNK) {
        const sent = send(text);
        return pushed ? pushed.then(() => sent) : sent;
      }
      used += chunk.write(text, used);
      return pushed;
    },
    async flush() {
      if (used > 0) await push();
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
