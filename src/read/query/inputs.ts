/**
 * @module canon/read/query/inputs
 * What DuckDB reads for one query: the files as they are (globs expanded; DuckDB reads
 * `.gz` itself) while their bad lines are counted beside it, or a temporary JSONL file
 * for standard input and in-memory lines, written with the bad lines already left out.
 */
import { createWriteStream } from 'node:fs';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { once } from 'node:events';
import { lineBatches } from '../lines.js';
import { isBlank, parseEventLine } from '../parse.js';
import { openSource, readFailure, resolveSources, STDIN } from '../sources.js';
import { countBadLines } from './scan.js';

export interface QueryInputs {
  /** Paths DuckDB reads. */
  files: string[];
  /** Bytes on disk of those files (compressed size for `.gz`). */
  bytes: number;
  /** How many lines were skipped as not JSON objects (settles once the scans finish). */
  skipped(): Promise<number>;
  /** Removes temporary files. */
  cleanup(): Promise<void>;
}

async function spool(dir: string, name: string, lines: AsyncIterable<string[]> | Iterable<string>): Promise<{ path: string; bad: number }> {
  const path = join(dir, `${name}.jsonl`);
  const out = createWriteStream(path);
  let bad = 0;
  let pending = '';
  const take = async (line: string) => {
    if (isBlank(line)) return;
    if (!parseEventLine(line)) {
      bad++;
      return;
    }
    pending += `${line}\n`;
    if (pending.length >= 1 << 16) {
      if (!out.write(pending)) await once(out, 'drain');
      pending = '';
    }
  };
  if (Symbol.asyncIterator in lines) {
    for await (const batch of lines) for (const line of batch) await take(line);
  } else {
    for (const line of lines) await take(line);
  }
  out.end(pending);
  await once(out, 'finish');
  return { path, bad };
}

/**
 * Prepares the inputs of one query: `files` (paths, globs, `-`) or `lines` (JSON lines in memory).
 *
 * @example
 * const inputs = await prepareInputs({ files: ['logs/*.jsonl.gz'] });
 * try { ... } finally { await inputs.cleanup(); }
 */
export async function prepareInputs(input: {
  files?: readonly string[];
  lines?: Iterable<string>;
  stdin?: NodeJS.ReadableStream;
}): Promise<QueryInputs> {
  let dir: string | undefined;
  const tempDir = async () => (dir ??= await mkdtemp(join(tmpdir(), 'canon-query-')));
  const files: string[] = [];
  const scans: Promise<number>[] = [];
  let bytes = 0;
  try {
    if (input.lines !== undefined) {
      const spooled = await spool(await tempDir(), 'lines', input.lines);
      files.push(spooled.path);
      scans.push(Promise.resolve(spooled.bad));
    }
    for (const source of await resolveSources(input.files ?? [])) {
      if (source === STDIN) {
        const spooled = await spool(await tempDir(), `stdin-${files.length}`, lineBatches(openSource(STDIN, input.stdin)));
        files.push(spooled.path);
        scans.push(Promise.resolve(spooled.bad));
        continue;
      }
      files.push(source);
      const scan = countBadLines(openSource(source)).then(
        (counted) => counted.bad,
        (err) => Promise.reject(readFailure(source, err)),
      );
      scan.catch(() => {}); // awaited by skipped(); DuckDB reports an unreadable file first
      scans.push(scan);
    }
    for (const file of files) bytes += (await stat(file)).size;
  } catch (err) {
    if (dir) await rm(dir, { recursive: true, force: true });
    throw err;
  }
  return {
    files,
    bytes,
    skipped: async () => (await Promise.all(scans)).reduce((a, b) => a + b, 0),
    cleanup: async () => {
      if (dir) await rm(dir, { recursive: true, force: true });
    },
  };
}
