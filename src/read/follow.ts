/**
 * @module canon/read/follow
 * `followEvents`: the events appended to some files as they are written, like `tail -F`
 * (see ./follow-file): rotation, truncation and files that appear later are followed.
 * Lines that are not JSON objects are skipped and counted.
 */
import { CanonError, ErrorCodes } from '../core/errors.js';
import { followFile } from './follow-file.js';
import { isBlank, parseEventLine } from './parse.js';
import { isGzip, STDIN } from './sources.js';
import { glob, isDynamicPattern } from 'tinyglobby';
import { type BadLineHandler, type EventRecord, newReadStats, type ReadStats } from './types.js';

export interface FollowOptions {
  /** Show this many lines of each file's end first (default 0: only what is appended). */
  lines?: number;
  /** Read each existing file from its start first. */
  fromStart?: boolean;
  /** How often the files are checked, in ms (default 200). */
  pollMs?: number;
  onBadLine?: BadLineHandler;
  /** A file that failed to read (permissions, I/O); following goes on. */
  onError?(error: unknown, path: string): void;
}

export interface Follower {
  readonly stats: ReadStats;
  /** Stops following and closes the files. */
  stop(): Promise<void>;
}

async function expand(paths: readonly string[]): Promise<string[]> {
  const out: string[] = [];
  for (const path of paths) {
    if (path === STDIN || isGzip(path)) {
      throw new CanonError(ErrorCodes.READ_SOURCE, `canon: cannot follow ${path === STDIN ? 'standard input' : `${path} (a .gz file does not grow)`}`, { source: path });
    }
    if (!isDynamicPattern(path)) out.push(path); // may not exist yet: waited for, like tail -F
    else {
      const matches = await glob(path, { onlyFiles: true, expandDirectories: false });
      if (matches.length === 0) throw new CanonError(ErrorCodes.READ_SOURCE, `canon: no file matches ${path}`, { source: path });
      out.push(...matches.sort());
    }
  }
  return out;
}

/**
 * Follows `paths` (files or globs, expanded once), calling `onEvent` for each event.
 *
 * @example
 * const follower = await followEvents(['logs/app.jsonl'], (event) => console.log(formatPretty(event)), { lines: 10 });
 * process.on('SIGINT', () => follower.stop());
 */
export async function followEvents(
  paths: readonly string[],
  onEvent: (event: EventRecord, path: string) => void,
  options: FollowOptions = {},
): Promise<Follower> {
  const stats = newReadStats();
  const files = await expand(paths);
  const followers: { stop(): Promise<void> }[] = [];
  const onLines = (path: string) => (lines: string[]) => {
    for (const line of lines) {
      if (isBlank(line)) continue;
      stats.lines++;
      const event = parseEventLine(line);
      if (event) {
        stats.events++;
        onEvent(event, path);
      } else {
        stats.bad++;
        options.onBadLine?.(line, path);
      }
    }
  };
  try {
    for (const path of files) {
      followers.push(
        await followFile(path, {
          lines: options.lines,
          fromStart: options.fromStart,
          pollMs: options.pollMs,
          onLines: onLines(path),
          onError: (error) => options.onError?.(error, path),
        }),
      );
    }
  } catch (err) {
    await Promise.all(followers.map((follower) => follower.stop()));
    throw err;
  }
  return {
    stats,
    async stop() {
      await Promise.all(followers.map((follower) => follower.stop()));
    },
  };
}
