/**
 * The browser modules as they ship: `tsconfig.browser.build.json` compiled by tsc into a
 * cache folder keyed by a hash of its inputs (never the repository's `dist/`, so tests
 * need no `npm run build` and never see a stale one), and test pages bundled by esbuild
 * against that output, with React 18 or 19.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build, type Plugin } from 'esbuild';

export const root = fileURLToPath(new URL('../../', import.meta.url));
const INPUTS = ['src/browser', 'src/react', 'tsconfig.browser.json', 'tsconfig.browser.build.json'];

function hashInputs(): string {
  const hash = createHash('sha256');
  const visit = (relative: string): void => {
    const path = join(root, relative);
    if (statSync(path).isDirectory()) for (const name of readdirSync(path).sort()) visit(join(relative, name));
    else hash.update(`${relative}\0`).update(readFileSync(path)).update('\0');
  };
  for (const input of INPUTS) visit(input);
  return hash.digest('hex').slice(0, 16);
}

/**
 * The folder holding `browser/*.js` and `react/*.js` as tsc emits them for the package.
 *
 * @example
 * const dir = builtModules(); // e.g. /tmp/canon-browser-build/3f0c…/browser/index.js
 */
export function builtModules(): string {
  const parent = join(tmpdir(), 'canon-browser-build');
  const dir = join(parent, hashInputs());
  if (existsSync(dir)) return dir;
  mkdirSync(parent, { recursive: true });
  for (const name of readdirSync(parent)) {
    const old = join(parent, name);
    if (Date.now() - statSync(old).mtimeMs > 86_400_000) rmSync(old, { recursive: true, force: true });
  }
  const staging = `${dir}.${process.pid}.tmp`;
  const tsc = join(root, 'node_modules/typescript/bin/tsc');
  execFileSync(process.execPath, [tsc, '-p', 'tsconfig.browser.build.json', '--outDir', staging], { cwd: root, stdio: 'pipe' });
  try {
    renameSync(staging, dir);
  } catch {
    rmSync(staging, { recursive: true, force: true }); // another worker built it first
  }
  return dir;
}

/** Resolves React from `from` (React 18's test package, or the root's React 19), and Canon from the build. */
function resolution(built: string, react: 18 | 19): Plugin {
  const from = react === 18 ? join(root, 'test/react/react18/') : root;
  const require = createRequire(from);
  return {
    name: 'canon-test-resolution',
    setup(esbuild) {
      esbuild.onResolve({ filter: /^(react|react-dom|scheduler)(\/.*)?$/ }, (args) => ({ path: require.resolve(args.path) }));
      esbuild.onResolve({ filter: /\/src\/(browser|react)\/index\.js$/ }, (args) => ({
        path: join(built, args.path.replace(/^.*\/src\//, '')),
      }));
    },
  };
}

/**
 * Bundles a test page (`test/<area>/pages/<name>`) into one ES module, React in its
 * development build (where StrictMode runs effects twice).
 *
 * @example
 * const code = await bundlePage('test/react/pages/events.tsx', 18);
 */
export async function bundlePage(entry: string, react: 18 | 19 = 19): Promise<string> {
  const built = builtModules();
  const result = await build({
    entryPoints: [join(root, entry)],
    bundle: true,
    format: 'esm',
    write: false,
    jsx: 'automatic',
    define: { 'process.env.NODE_ENV': '"development"' },
    plugins: [resolution(built, react)],
    logLevel: 'silent',
  });
  return result.outputFiles[0]!.text;
}
