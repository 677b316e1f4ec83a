import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../', import.meta.url));
const pkg = JSON.parse(readFileSync(`${root}package.json`, 'utf8'));

describe('package exports', () => {
  it('maps every subpath to a source module that exists (dist/X.js ← src/X.ts)', () => {
    for (const [subpath, target] of Object.entries<Record<string, string> | string>(pkg.exports)) {
      if (subpath === './package.json') continue;
      const entry = typeof target === 'string' ? target : target.default;
      const types = typeof target === 'string' ? undefined : target.types;
      expect(entry, subpath).toMatch(/^\.\/dist\/.+\.js$/);
      expect(types, subpath).toBe(entry.replace(/\.js$/, '.d.ts'));
      const source = entry.replace(/^\.\/dist\//, 'src/').replace(/\.js$/, '.ts');
      expect(existsSync(`${root}${source}`), `${subpath} → ${source}`).toBe(true);
    }
  });

  it('typesVersions (for moduleResolution node10) maps exactly the exports subpaths, to the same declarations', () => {
    const mapped = pkg.typesVersions?.['*'] ?? {};
    const fromExports = Object.fromEntries(
      Object.entries<Record<string, string> | string>(pkg.exports)
        .filter(([subpath]) => subpath !== '.' && subpath !== './package.json')
        .map(([subpath, target]) => [subpath.slice(2), [typeof target === 'string' ? target : target.types]]),
    );
    expect(mapped).toEqual(fromExports);
    expect(Object.keys(pkg.typesVersions)).toEqual(['*']);
    expect(pkg.types).toBe(pkg.exports['.'].types); // node10 resolves `canon` itself through `types`
  });

  it('importing canon loads no framework, driver or broker package', () => {
    const script = `
      await import(${JSON.stringify(`${root}src/index.ts`)});
      const { createRequire } = await import('node:module');
      const loaded = Object.keys(createRequire(import.meta.url).cache);
      const heavy = loaded.filter((path) => /node_modules\\/(express|fastify|hono|koa|pg|nats|amqplib|ioredis|redis|undici|@opentelemetry|@nestjs|rxjs|reflect-metadata|graphql|graphql-yoga|@envelop|@apollo)\\//.test(path));
      console.log(JSON.stringify(heavy));
    `;
    const output = execFileSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
      cwd: root,
      encoding: 'utf8',
    });
    expect(JSON.parse(output.trim().split('\n').at(-1)!)).toEqual([]);
  });
});
