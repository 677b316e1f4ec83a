/**
 * @module canon/read/query/inputs
 * What DuckDB reads for one query: the files as they are (globs expanded; DuckDB reads
 * `.gz` itself) while their bad lines are counted beside it, or a temporary JSONL file
 * for standard input and in-memory lines, written with the bad lines already left out.
 * DuckDB skips lines that are not JSON, but a line of other JSON (`[1,2]`, `"text"`) stops
 * it reading records at all: `cleanFiles()` then gives the same inputs with each file
 * that has bad lines replaced by a copy without them.
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
  /** `files`, with every file that has bad lines replaced by a temporary copy without them. */
  cleanFiles(): Promise<string[]>;
  /** Removes temporary files. */
  cleanup(): Promise<void>;
}

interface Spooled {
  path: string;
  bad: number;
  /** Events written. */
  kept: number;
}

async function spool(dir: string, name: string, lines: AsyncIterable<string[]> | Iterable<string>): Promise<Spooled> {
  const path = join(dir, `${name}.jsonl`);
  const out = createWriteStream(path);
  let bad = 0;
  let kept = 0;
  let pending = '';
  const take = async (line: string) => {
    if (isBlank(line)) return;
    if (!parseEventLine(line)) {
      bad++;
      return;
    }
    kept++;
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
  return { path, bad, kept };
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
  const spooled = new Set<string>();
  const scanOf = new Map<string, Promise<number>>();
  let bytes = 0;
  try {
    const add = (written: Spooled) => {
      scans.push(Promise.resolve(written.bad));
      if (written.kept === 0) return; // DuckDB refuses an empty file
      files.push(written.path);
      spooled.add(written.path);
    };
    if (input.lines !== undefined) add(await spool(await tempDir(), 'lines', input.lines));
    for (const source of await resolveSources(input.files ?? [])) {
      if (source === STDIN) {
        add(await spool(await tempDir(), `stdin-${files.length}`, lineBatches(openSource(STDIN, input.stdin))));
        continue;
      }
      if ((await stat(source)).size === 0) continue;
      files.push(source);
      const scan = countBadLines(openSource(source)).then(
        (counted) => counted.bad,
        (err) => Promise.reject(readFailure(source, err)),
      );
      scan.catch(() => {}); // awaited by skipped(); DuckDB reports an unreadable file first
      scans.push(scan);
      scanOf.set(source, scan);
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
    async cleanFiles() {
      const out: string[] = [];
      for (const [i, file] of files.entries()) {
        if (spooled.has(file) || (await scanOf.get(file)) === 0) out.push(file);
        else {
          const clean = await spool(await tempDir(), `clean-${i}`, lineBatches(openSource(file)));
          if (clean.kept > 0) out.push(clean.path);
        }
      }
      return out;
    },
    cleanup: async () => {
      if (dir) await rm(dir, { recursive: true, force: true });
    },
  };
}
