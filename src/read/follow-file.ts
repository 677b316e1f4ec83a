/**
 * @module canon/read/follow-file
 * Follows one file like `tail -F`: reads what is appended, and keeps following the
 * *name* — when the file is renamed away (rotation) the rest of the old file is read
 * before the new one, from its start; when it shrinks (truncation, `copytruncate`)
 * reading restarts at its start; when it does not exist yet, or for a while during a
 * rotation, it is waited for. Polls `stat` every `pollMs`, reading only new bytes.
 */
import { type FileHandle, open, stat } from 'node:fs/promises';

export interface FileFollowerOptions {
  /** Start this many lines before the end of the file (default 0: only new lines). */
  lines?: number;
  /** Read the whole existing file first. */
  fromStart?: boolean;
  pollMs?: number;
  onLines(lines: string[]): void;
  onError(error: unknown): void;
}

const CHUNK = 1 << 16;

/** Where the last `count` lines of the first `size` bytes start. */
async function tailOffset(handle: FileHandle, size: number, count: number): Promise<number> {
  if (count <= 0) return size;
  let end = size;
  let newlines = 0;
  const buffer = Buffer.alloc(CHUNK);
  // a final newline ends the last line: it is not a separator to count
  let skipLast = true;
  while (end > 0) {
    const start = Math.max(0, end - CHUNK);
    const { bytesRead } = await handle.read(buffer, 0, end - start, start);
    for (let i = bytesRead - 1; i >= 0; i--) {
      if (buffer[i] !== 10) {
        skipLast = false;
        continue;
      }
      if (skipLast) {
        skipLast = false;
        continue;
      }
      if (++newlines === count) return start + i + 1;
    }
    end = start;
  }
  return 0;
}

/**
 * Starts following `path`; resolves once the existing content (the last `lines`) is read.
 *
 * @example
 * const follower = await followFile('app.log', { onLines: (lines) => ..., onError: console.error });
 * await follower.stop();
 */
export async function followFile(path: string, options: FileFollowerOptions): Promise<{ stop(): Promise<void> }> {
  const pollMs = options.pollMs ?? 200;
  let handle: FileHandle | undefined;
  let inode: number | undefined;
  let offset = 0;
  let rest = '';
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> = Promise.resolve();
  const buffer = Buffer.alloc(CHUNK);

  async function drain(): Promise<void> {
    if (!handle) return;
    for (;;) {
      const { bytesRead } = await handle.read(buffer, 0, CHUNK, offset);
      if (bytesRead === 0) return;
      offset += bytesRead;
      const text = rest + buffer.toString('utf8', 0, bytesRead);
      const lines = text.split('\n');
      rest = lines.pop() ?? '';
      if (lines.length > 0) options.onLines(lines);
    }
  }

  async function close(): Promise<void> {
    const old = handle;
    handle = undefined;
    inode = undefined;
    await old?.close();
  }

  async function openCurrent(first: boolean): Promise<void> {
    let opened: FileHandle;
    try {
      opened = await open(path, 'r');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return; // not there (yet): wait
      throw err;
    }
    const info = await opened.stat();
    handle = opened;
    inode = info.ino;
    rest = '';
    offset = first && !options.fromStart ? await tailOffset(opened, info.size, options.lines ?? 0) : 0;
  }

  async function poll(first = false): Promise<void> {
    if (!handle) {
      await openCurrent(first);
      await drain();
      return;
    }
    let info: Awaited<ReturnType<typeof stat>> | undefined;
    try {
      info = await stat(path);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    }
    if (!info || info.ino !== inode) {
      await drain(); // what was written to the old file before it was moved away
      if (rest !== '') options.onLines([rest]);
      await close();
      if (info) await poll();
      return;
    }
    if (info.size < offset) {
      offset = 0; // truncated in place
      rest = '';
    }
    if (info.size > offset) await drain();
  }

  function schedule(): void {
    if (stopped) return;
    timer = setTimeout(() => {
      running = poll()
        .catch((err) => options.onError(err))
        .finally(schedule);
    }, pollMs);
  }

  await poll(true);
  schedule();
  return {
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await running;
      await close();
    },
  };
}
