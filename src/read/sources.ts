/**
 * @module canon/read/sources
 * Where events are read from: files, globs (`'logs/*.jsonl.gz'`, expanded with
 * tinyglobby, sorted), gzip files (by their `.gz` name) and standard input (`-`).
 * A literal path that does not exist and a glob that matches nothing are errors
 * (`CANON_READ_SOURCE`) naming it. tinyglobby is loaded only for a pattern that can be a
 * glob (it costs about 30 ms of CPU at start-up).
 */
import { createReadStream, statSync } from 'node:fs';
import type { Readable } from 'node:stream';
import { CanonError, ErrorCodes } from '../core/errors.js';

/** The name standard input goes by among sources. */
export const STDIN = '-';

/**
 * Bytes read from a file at a time. Each chunk's events are parsed together and stay alive
 * until all are handled, so larger chunks make every young-generation GC copy more of
 * them: `canon pretty` spent twice the GC time at 1 MiB, and more system time.
 */
const READ_CHUNK = 1 << 18;

/** A pattern without one of these is a plain path (every glob, brace or negation needs one). */
const GLOB_SYNTAX = /[*?[{(!]/;

/** Whether `pattern` is a glob (asks tinyglobby only when it has glob syntax at all). */
async function isGlob(pattern: string): Promise<boolean> {
  return GLOB_SYNTAX.test(pattern) && (await import('tinyglobby')).isDynamicPattern(pattern);
}

function sourceError(message: string, source: string, cause?: unknown): CanonError {
  return new CanonError(ErrorCodes.READ_SOURCE, `canon: ${message}`, { source }, { cause });
}

/**
 * Expands globs and checks that every literal path is a readable file. Keeps the order
 * given (each glob's matches sorted); `-` passes through.
 *
 * @example
 * await resolveSources(['logs/*.jsonl', '-']) // ['logs/a.jsonl', 'logs/b.jsonl', '-']
 */
export async function resolveSources(patterns: readonly string[], cwd = process.cwd()): Promise<string[]> {
  const out: string[] = [];
  for (const pattern of patterns) {
    if (pattern === STDIN) out.push(pattern);
    else if (await isGlob(pattern)) {
      const { glob } = await import('tinyglobby');
      const matches = await glob(pattern, { cwd, onlyFiles: true, expandDirectories: false });
      if (matches.length === 0) throw sourceError(`no file matches ${pattern}`, pattern);
      out.push(...matches.sort());
    } else {
      checkFile(pattern);
      out.push(pattern);
    }
  }
  return out;
}

/** Throws `CANON_READ_SOURCE` unless `path` is an existing regular file. */
function checkFile(path: string): void {
  let isFile: boolean;
  try {
    isFile = statSync(path).isFile();
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw sourceError(code === 'ENOENT' ? `no such file: ${path}` : `cannot read ${path} (${code})`, path, err);
  }
  if (!isFile) throw sourceError(`not a file: ${path}`, path);
}

/**
 * True when `source` is read through gunzip.
 *
 * @example
 * isGzip('logs/app-2026-12-01.jsonl.gz') // true
 */
export function isGzip(source: string): boolean {
  return source.endsWith('.gz');
}

/**
 * Opens one source as a byte stream (gunzipped for `.gz`, `stdin` for `-`).
 *
 * @example
 * for await (const chunk of openSource('events.jsonl.gz')) ...
 */
export function openSource(source: string, stdin: NodeJS.ReadableStream = process.stdin): AsyncIterable<Buffer> {
  if (source === STDIN) return stdin as AsyncIterable<Buffer>;
  const file = createReadStream(source, { highWaterMark: READ_CHUNK });
  return isGzip(source) ? gunzip(file) : file;
}

/** The bytes of a gzip file, unzipped (zlib is loaded for the first `.gz` source). */
async function* gunzip(file: Readable): AsyncGenerator<Buffer> {
  const { createGunzip } = await import('node:zlib');
  const unzip = createGunzip();
  file.on('error', (err) => unzip.destroy(err));
  yield* file.pipe(unzip) as AsyncIterable<Buffer>;
}

/**
 * Rewrites a stream failure as one clear `CANON_READ_SOURCE` error naming the source.
 *
 * @example
 * readFailure('a.jsonl.gz', zlibError).message // 'canon: cannot read a.jsonl.gz: unexpected end of file'
 */
export function readFailure(source: string, err: unknown): CanonError {
  if (err instanceof CanonError) return err;
  const detail = (err as Error)?.message ?? String(err);
  return sourceError(`cannot read ${source === STDIN ? 'standard input' : source}: ${detail}`, source, err);
}
