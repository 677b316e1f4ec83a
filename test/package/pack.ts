/**
 * The tarball a user installs: Canon built from `src/` (into a cache folder, never the
 * repository's `dist/`) and packed with `npm pack`. Cached under the OS temp folder by a
 * hash of everything that goes into it, so an unchanged tree is neither built nor packed
 * again; a changed one gets a new folder.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, utimesSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** What the build depends on, and what the tarball adds to the build. */
const BUILD_INPUTS = [
  'src',
  'tsconfig.json',
  'tsconfig.build.json',
  'tsconfig.browser.json',
  'tsconfig.browser.build.json',
  'node_modules/typescript/package.json',
];
const PACK_INPUTS = ['docs', 'README.md', 'package.json'];

function hashTree(hash: ReturnType<typeof createHash>, root: string, relative: string): void {
  const path = join(root, relative);
  if (!existsSync(path)) return;
  if (statSync(path).isDirectory()) {
    for (const name of readdirSync(path).sort()) hashTree(hash, root, join(relative, name));
    return;
  }
  hash.update(`${relative}\0`).update(readFileSync(path)).update('\0');
}

/** Cache folders of other trees are removed after a day (other worktrees may be using theirs now). */
function pruneOld(parent: string): void {
  if (!existsSync(parent)) return;
  for (const name of readdirSync(parent)) {
    const path = join(parent, name);
    if (Date.now() - statSync(path).mtimeMs > 86_400_000) rmSync(path, { recursive: true, force: true });
  }
}

function inputsHash(root: string, inputs: string[], seed = ''): string {
  const hash = createHash('sha256').update(seed);
  for (const input of inputs) hashTree(hash, root, input);
  return hash.digest('hex').slice(0, 16);
}

/** Runs `make(staging)` unless `dir` exists; the finished folder appears at once or not at all. */
function cached(dir: string, make: (staging: string) => void): string {
  if (existsSync(dir)) {
    const now = new Date();
    utimesSync(dir, now, now); // in use: not pruned
    return dir;
  }
  const staging = `${dir}.${process.pid}.tmp`;
  rmSync(staging, { recursive: true, force: true });
  mkdirSync(staging, { recursive: true });
  make(staging);
  try {
    renameSync(staging, dir);
  } catch {
    rmSync(staging, { recursive: true, force: true }); // another run made the same folder first
  }
  return dir;
}

/**
 * Builds and packs the repository at `root`; returns the path of the `.tgz`. The build is
 * cached by its inputs, the tarball by the build and the packed files, so a docs change
 * packs again without building again.
 *
 * @example
 * const tarball = packCanon(root); // e.g. /tmp/canon-pack/1f0c…/canon.tgz
 */
export function packCanon(root: string): string {
  pruneOld(join(tmpdir(), 'canon-pack'));
  const buildHash = inputsHash(root, BUILD_INPUTS);
  const build = cached(join(tmpdir(), 'canon-pack', `build-${buildHash}`), (staging) => {
    const tsc = join(root, 'node_modules/typescript/bin/tsc');
    // what `npm run build` does: the Node build, the browser build, the console's assets
    for (const config of ['tsconfig.build.json', 'tsconfig.browser.build.json']) {
      execFileSync(process.execPath, [tsc, '-p', config, '--outDir', staging], { cwd: root, stdio: 'pipe' });
    }
    cpSync(join(root, 'src/console/assets'), join(staging, 'console/assets'), { recursive: true });
  });
  const packed = cached(join(tmpdir(), 'canon-pack', `pack-${inputsHash(root, PACK_INPUTS, buildHash)}`), (staging) => {
    for (const input of PACK_INPUTS) cpSync(join(root, input), join(staging, input), { recursive: true });
    cpSync(build, join(staging, 'dist'), { recursive: true });
    const name = execFileSync('npm', ['pack', '--silent', '--ignore-scripts', '--pack-destination', staging], {
      cwd: staging,
      encoding: 'utf8',
    })
      .trim()
      .split('\n')
      .at(-1)!;
    renameSync(join(staging, name), join(staging, 'canon.tgz'));
  });
  return join(packed, 'canon.tgz');
}
