import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../', import.meta.url));

describe('importing canon/webhooks', () => {
  it('loads no database, framework or HTTP client package (undici only when a worker starts)', () => {
    const entries = ['index', 'express/index', 'fastify/index', 'hono/index'].map(
      (entry) => `${root}src/webhooks/${entry}.ts`,
    );
    const script = `
      for (const entry of ${JSON.stringify(entries)}) await import(entry);
      const { createRequire } = await import('node:module');
      const loaded = Object.keys(createRequire(import.meta.url).cache);
      console.log(JSON.stringify(loaded.filter((path) => /node_modules\\/(express|fastify|hono|pg|@electric-sql|undici|standardwebhooks|stripe)\\//.test(path))));
    `;
    const output = execFileSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
      cwd: root,
      encoding: 'utf8',
    });
    expect(JSON.parse(output.trim().split('\n').at(-1)!)).toEqual([]);
  });
});
