import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../', import.meta.url));
const consumer = fileURLToPath(new URL('./consumer/', import.meta.url));
const tsc = `${root}node_modules/typescript/bin/tsc`;

describe('published type declarations', () => {
  it('every subpath type-checks for a strict consumer with skipLibCheck: false', () => {
    const pkg = JSON.parse(readFileSync(`${root}package.json`, 'utf8'));
    const subpaths = Object.keys(pkg.exports).filter((subpath) => subpath !== './package.json');
    const imports = subpaths.map((subpath, i) => {
      const specifier = subpath === '.' ? 'canon' : `canon/${subpath.slice(2)}`;
      return `import * as m${i} from '${specifier}';`;
    });
    writeFileSync(
      `${consumer}consumer.generated.ts`,
      `${imports.join('\n')}\nexport const modules = [${subpaths.map((_, i) => `m${i}`).join(', ')}];\n`,
    );
    execFileSync(process.execPath, [tsc, '-p', `${root}tsconfig.build.json`], { cwd: root });
    execFileSync(process.execPath, [tsc, '-p', `${root}tsconfig.browser.build.json`], { cwd: root });
    let output = '';
    try {
      execFileSync(process.execPath, [tsc, '-p', `${consumer}tsconfig.json`], { cwd: root, encoding: 'utf8' });
    } catch (err) {
      output = String((err as { stdout?: string }).stdout);
    }
    // Only Canon's own declarations are judged: third-party type packages have their own
    // bugs (e.g. @types/koa against newer content-disposition types).
    const ours = output.split('\n').filter((line) => line.startsWith('dist/'));
    expect(ours).toEqual([]);
    expect(output.split('\n').filter((line) => line.startsWith('test/'))).toEqual([]);
  }, 120_000);
});
