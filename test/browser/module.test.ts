/**
 * canon/browser as it ships: self-contained (its only imports are its own files; no Node
 * API) and within its size budget, under 6 KB gzipped for the whole module bundled and
 * minified (bench/RESULTS.md, `npm run bench:browser`). The other browser tests load these
 * very files into Chromium without an import map, which a bare import would break.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { builtModules } from './build.js';

const BUDGET = 6 * 1024;

describe('canon/browser as shipped', () => {
  const dir = join(builtModules(), 'browser');
  const files = readdirSync(dir).filter((name) => name.endsWith('.js'));

  it('imports only its own files', () => {
    const specifiers = files.flatMap((name) =>
      ts.preProcessFile(readFileSync(join(dir, name), 'utf8'), true, true).importedFiles.map((ref) => ref.fileName),
    );
    expect(specifiers.length).toBeGreaterThan(5);
    for (const specifier of specifiers) {
      expect(specifier).toMatch(/^\.\/[a-z-]+\.js$/);
      expect(files).toContain(specifier.slice(2));
    }
  });

  it(`bundled and minified, the whole module is under ${BUDGET / 1024} KB gzipped and uses no Node API`, async () => {
    const result = await build({
      entryPoints: [join(dir, 'index.js')],
      bundle: true,
      minify: true,
      format: 'esm',
      platform: 'neutral',
      write: false,
      metafile: true,
      logLevel: 'silent',
    });
    const code = result.outputFiles[0]!.text;
    expect(Object.keys(result.metafile.inputs).every((input) => input.includes('/browser/'))).toBe(true);
    expect(code).not.toMatch(/\b(require|process|Buffer|__dirname|setImmediate)\b|node:/);
    const gzipped = gzipSync(code, { level: 9 }).length;
    expect(gzipped, `${gzipped} bytes gzipped`).toBeLessThan(BUDGET);
  });
});
