/**
 * What a subpath's published declarations import: follows the `.d.ts` files from the
 * subpath's entry through their relative imports and collects the packages they name
 * (imports, `import()` types, `declare module` augmentations, `/// <reference types>`).
 * `node:` built-ins and the package's own relative files are left out.
 */
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import ts from 'typescript';

/** `pg` → `pg`, `@scope/name/sub` → `@scope/name`. */
export function packageName(specifier: string): string {
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0]!;
}

/**
 * The packages imported by the declarations reachable from `entry` (a `.d.ts` path).
 *
 * @example
 * importedPackages('/tmp/canon/node_modules/canon/dist/outbox/index.d.ts'); // Set {}
 */
export function importedPackages(entry: string): Set<string> {
  const packages = new Set<string>();
  const seen = new Set<string>();
  const pending = [resolve(entry)];
  while (pending.length > 0) {
    const file = pending.pop()!;
    if (seen.has(file)) continue;
    seen.add(file);
    const info = ts.preProcessFile(readFileSync(file, 'utf8'), true, true);
    const specifiers = [
      ...info.importedFiles.map((ref) => ref.fileName),
      ...(info.ambientExternalModules ?? []),
    ];
    for (const ref of info.typeReferenceDirectives) packages.add(ref.fileName === 'node' ? 'node:' : `@types/${ref.fileName}`);
    for (const specifier of specifiers) {
      if (specifier.startsWith('.')) pending.push(join(dirname(file), specifier.replace(/\.js$/, '.d.ts')));
      else if (!specifier.startsWith('node:')) packages.add(packageName(specifier));
    }
  }
  packages.delete('node:');
  return packages;
}
