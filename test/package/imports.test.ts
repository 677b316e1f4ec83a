/**
 * What each entry point loads, read from the source's module graph: every runtime
 * `import`/`export … from` (not `import type`) is followed through relative paths, and
 * the packages reached are listed. Static, so ES-module peers (Nest 12, graphql's
 * `.mjs`) count too, which a require-cache check cannot see. The root entry may load
 * Canon's own `dependencies` (installed with it: `canonicalize` for the audit chain
 * `createCanon` can write), never a peer.
 */
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../', import.meta.url));
const pkg = JSON.parse(readFileSync(`${root}package.json`, 'utf8')) as {
  dependencies: Record<string, string>;
  peerDependencies: Record<string, string>;
};
const dependencies = Object.keys(pkg.dependencies);

/** Module specifiers a file loads at run time (`import type` and `export type` excluded). */
function runtimeSpecifiers(source: string): string[] {
  const specifiers: string[] = [];
  const statement = /^\s*(import|export)\s+(type\s+)?(?:[^'";]*?\s+from\s+)?'([^']+)'/gm;
  for (const match of source.matchAll(statement)) if (!match[2]) specifiers.push(match[3]);
  for (const match of source.matchAll(/\bimport\(\s*'([^']+)'\s*\)/g)) specifiers.push(match[1]);
  return specifiers;
}

/** The source files and the packages (not `node:` built-ins) reachable from `entry`. */
function moduleGraph(entry: string): { files: string[]; packages: string[] } {
  const files = new Set<string>();
  const packages = new Set<string>();
  const pending = [resolve(root, entry)];
  while (pending.length > 0) {
    const file = pending.pop()!;
    if (files.has(file)) continue;
    files.add(file);
    for (const specifier of runtimeSpecifiers(readFileSync(file, 'utf8'))) {
      if (specifier.startsWith('.')) pending.push(resolve(dirname(file), specifier.replace(/\.js$/, '.ts')));
      else if (!specifier.startsWith('node:')) {
        const parts = specifier.split('/');
        packages.add(specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0]);
      }
    }
  }
  return { files: [...files].map((file) => file.slice(root.length)), packages: [...packages].sort() };
}

describe('module graphs of the entry points', () => {
  it('the reader follows multi-line imports and skips type-only ones', () => {
    const source = "import type { A } from 'a';\nimport {\n  b,\n  type C,\n} from 'b';\nexport { d } from './d.js';\nexport type { E } from 'e';\nimport 'f';\n";
    expect(runtimeSpecifiers(source)).toEqual(['b', './d.js', 'f']);
  });

  it('no package is both a dependency and a peer', () => {
    expect(dependencies.filter((name) => name in pkg.peerDependencies)).toEqual([]);
  });

  it('canon loads only its own dependencies (no peer package) and none of the integrations', () => {
    const { files, packages } = moduleGraph('src/index.ts');
    expect(files.length).toBeGreaterThan(10);
    expect(packages.filter((name) => !dependencies.includes(name))).toEqual([]);
    expect(files.filter((file) => file.startsWith('src/integrations/') || file.startsWith('src/frameworks/'))).toEqual([]);
  });

  it('canon/fetch-handler and canon/lambda load no package at all', () => {
    expect(moduleGraph('src/integrations/fetch-handler/index.ts').packages).toEqual([]);
    expect(moduleGraph('src/integrations/lambda/index.ts').packages).toEqual([]);
  });

  it('canon/graphql loads only graphql (Yoga, Envelop and Apollo are typed structurally)', () => {
    expect(moduleGraph('src/integrations/graphql/index.ts').packages).toEqual(['graphql']);
  });

  it('canon/nestjs loads only Nest’s common and core packages and rxjs', () => {
    expect(moduleGraph('src/integrations/nestjs/index.ts').packages).toEqual(['@nestjs/common', '@nestjs/core', 'rxjs']);
  });
});
