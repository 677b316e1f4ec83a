import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../', import.meta.url));

describe('optional peers', () => {
  it('src/events and src/outbox import pg and PGlite for their types only', () => {
    const files = ['src/events', 'src/outbox'].flatMap((dir) =>
      readdirSync(`${root}${dir}`, { recursive: true, encoding: 'utf8' })
        .filter((file) => file.endsWith('.ts'))
        .map((file) => `${root}${dir}/${file}`),
    );
    expect(files.length).toBeGreaterThan(20);
    for (const file of files) {
      const imports =
        readFileSync(file, 'utf8').match(/^import .* from '(pg|@electric-sql\/pglite|cloudevents)';$/gm) ??
        [];
      for (const line of imports) expect(line, file).toMatch(/^import type /);
    }
  });

  it('importing canon/events and canon/outbox loads no pg (a CommonJS module the require cache shows)', () => {
    const script = `
      await import(${JSON.stringify(`${root}src/events/index.ts`)});
      await import(${JSON.stringify(`${root}src/outbox/index.ts`)});
      const { createRequire } = await import('node:module');
      const loaded = Object.keys(createRequire(import.meta.url).cache);
      console.log(JSON.stringify(loaded.filter((path) => /node_modules\\/(pg|@electric-sql|cloudevents|zod|valibot)\\//.test(path))));
    `;
    const output = execFileSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
      cwd: root,
      encoding: 'utf8',
    });
    expect(JSON.parse(output.trim().split('\n').at(-1)!)).toEqual([]);
  });
});
