/**
 * Types that compile for a new user. Canon is built and packed; every `ts` block of
 * README.md and docs/*.md is compiled in a fresh strict project (see ./project.ts) holding
 * only the packages its page's `<!-- peers: … -->` note names, with the compiler options
 * of its `<!-- tsconfig: {…} -->` note when it has one (docs/nestjs.md: Nest's decorators;
 * the notes are listed in ./markdown.ts). Pages that need the same packages and options
 * share a project. Each subpath's declarations are compiled the same way with the packages
 * SUBPATH_PEERS gives it (./subpath-peers.ts), and must import exactly those; all of them
 * once more under `moduleResolution: node10`, through package.json's `typesVersions`.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importedPackages } from './declarations.js';
import { type DocBlock, type DocPage, installedInProse, readPages } from './markdown.js';
import { packCanon } from './pack.js';
import { compileProject, createProject, formatDiagnostic, type ProjectOptions } from './project.js';
import { SUBPATH_PEERS, typedModule } from './subpath-peers.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const pkg = JSON.parse(readFileSync(`${root}package.json`, 'utf8'));
const subpaths = Object.keys(pkg.exports).filter((subpath) => subpath !== './package.json');
const pages = readPages(root);
const specifier = (subpath: string) => (subpath === '.' ? 'canon' : `canon/${subpath.slice(2)}`);

/** Pages and subpaths that need the same packages and compiler options share one fresh project. */
interface Group {
  peers: string[];
  compilerOptions: Record<string, unknown>;
  pages: DocPage[];
  subpaths: string[];
}
const groups = new Map<string, Group>();
function group(peers: string[], compilerOptions: Record<string, unknown> = {}): Group {
  const sorted = [...new Set(peers)].sort();
  const options = Object.keys(compilerOptions).length > 0 ? ` ${JSON.stringify(compilerOptions)}` : '';
  const key = `${sorted.join(' ')}${options}`;
  if (!groups.has(key)) groups.set(key, { peers: sorted, compilerOptions, pages: [], subpaths: [] });
  return groups.get(key)!;
}
for (const page of pages) if (page.peers) group(page.peers, page.compilerOptions).pages.push(page);
for (const subpath of subpaths) if (SUBPATH_PEERS[subpath]) group(SUBPATH_PEERS[subpath]).subpaths.push(subpath);

let tarball: string;
let runDir: string;
let failed = false;
beforeAll(() => {
  tarball = packCanon(root);
  runDir = mkdtempSync(join(tmpdir(), 'canon-types-'));
}, 600_000);
afterAll(() => {
  if (runDir && !failed) rmSync(runDir, { recursive: true, force: true });
}, 120_000);

/** Creates a project, runs `fill` to write its files, compiles it; the failure names the folder. */
function checkProject(name: string, options: ProjectOptions, fill: (dir: string) => (text: string) => string): void {
  const dir = join(runDir, name);
  let errors: string[] | undefined;
  try {
    createProject(root, tarball, dir, options);
    const locate = fill(dir);
    errors = compileProject(dir).map((diagnostic) => locate(formatDiagnostic(dir, diagnostic)));
  } finally {
    if (errors?.length === 0) rmSync(dir, { recursive: true, force: true });
    else failed = true; // kept for a look
  }
  expect(errors, `reproduce from the repository: npx tsc -p ${dir} (other packages' errors are not counted)`).toEqual([]);
}

/** A block as compiled: its prelude, the block, and `export {}` so it is always a module. */
function blockSource(block: DocBlock): string {
  return `${block.prelude ? `${block.prelude.code}\n` : ''}${block.code}\nexport {};\n`;
}

/** `docs/pg.md:12` for line `line` (1-based) of a block's compiled file. */
function pageLine(page: DocPage, block: DocBlock, line: number): string {
  const preludeLines = block.prelude ? block.prelude.code.split('\n').length : 0;
  if (line <= preludeLines) return `${page.path}:${block.prelude!.line + line - 1} (prelude)`;
  return `${page.path}:${block.line + line - preludeLines - 1}`;
}

/** Writes a page's blocks and files into `dir/<slug>/` and runs its setup commands. */
function writePage(dir: string, page: DocPage, where: Map<string, (line: number) => string>): void {
  const pageDir = join(dir, page.path.replace(/\.md$/, '').replace('/', '-'));
  for (const file of page.files) {
    mkdirSync(dirname(join(pageDir, file.name)), { recursive: true });
    writeFileSync(join(pageDir, file.name), file.content);
  }
  for (const block of page.blocks) {
    const path = join(pageDir, `block-${block.line}.ts`);
    mkdirSync(pageDir, { recursive: true });
    writeFileSync(path, blockSource(block));
    where.set(path.slice(dir.length + 1), (line) => pageLine(page, block, line));
  }
  for (const command of page.setup) {
    execFileSync('sh', ['-c', command], {
      cwd: pageDir,
      env: { ...process.env, PATH: `${join(dir, 'node_modules/.bin')}:${process.env.PATH}` },
      stdio: 'pipe',
    });
  }
}

/** Whether the code awaits outside any function (top-level await: an ES module only). */
function usesTopLevelAwait(code: string): boolean {
  const file = ts.createSourceFile('block.ts', code, ts.ScriptTarget.ES2022, true, ts.ScriptKind.TS);
  const visit = (node: ts.Node): boolean => {
    if (ts.isFunctionLike(node) || ts.isClassLike(node)) return false;
    if (ts.isAwaitExpression(node) || (ts.isForOfStatement(node) && node.awaitModifier)) return true;
    return ts.forEachChild(node, visit) ?? false;
  };
  return visit(file);
}

describe('docs pages', () => {
  it('every page says which packages its code needs, in a note the test reads and in an npm install line', () => {
    expect(pages.filter((page) => !page.peers).map((page) => page.path), 'pages without <!-- peers: … -->').toEqual([]);
    const mismatched = pages
      .filter((page) => page.peers && installedInProse(page).join(' ') !== [...page.peers].sort().join(' '))
      .map((page) => `${page.path}: note [${page.peers}], npm install lines [${installedInProse(page)}]`);
    expect(mismatched).toEqual([]);
  });

  it('a page with a tsconfig note shows the reader those compiler options in a json block', () => {
    const shown = (page: DocPage) =>
      page.json.some((code) => {
        let options: unknown;
        try {
          options = (JSON.parse(code) as { compilerOptions?: unknown }).compilerOptions;
        } catch {
          return false; // an excerpt (`…`) is not a tsconfig
        }
        const given = (options ?? {}) as Record<string, unknown>;
        return Object.entries(page.compilerOptions).every(([name, value]) => JSON.stringify(given[name]) === JSON.stringify(value));
      });
    const noted = pages.filter((page) => Object.keys(page.compilerOptions).length > 0);
    expect(noted.map((page) => page.path)).toContain('docs/nestjs.md');
    expect(noted.filter((page) => !shown(page)).map((page) => page.path)).toEqual([]);
  });

  it('a page whose code uses top-level await says the project must be an ES module', () => {
    const silent = pages.filter(
      (page) => page.blocks.some((block) => usesTopLevelAwait(block.code)) && !page.prose.includes('"type": "module"'),
    );
    expect(silent.map((page) => page.path)).toEqual([]);
  });

  it('finds the blocks of every page (the parser reads fences and notes)', () => {
    const blocks = pages.flatMap((page) => page.blocks);
    expect(blocks.length).toBeGreaterThan(50);
    expect(pages.find((page) => page.path === 'README.md')?.blocks).toHaveLength(2); // Quick start, the console
  });
});

describe('published declarations', () => {
  it('every subpath is in SUBPATH_PEERS, and every entry is a subpath', () => {
    expect(Object.keys(SUBPATH_PEERS).sort()).toEqual([...subpaths].sort());
  });

  it("typesVersions maps every subpath to its exports' types, and nothing else (node10 has no exports map)", () => {
    const mapped = Object.entries<string[]>(pkg.typesVersions['*']).map(([path, targets]) => [`./${path}`, targets]);
    const exported = subpaths.filter((subpath) => subpath !== '.').map((subpath) => [subpath, [pkg.exports[subpath].types]]);
    expect(Object.fromEntries(mapped)).toEqual(Object.fromEntries(exported));
    expect(pkg.types).toBe(pkg.exports['.'].types);
  });

  it("each subpath's declarations import exactly the peers SUBPATH_PEERS gives it (no other peer's types)", () => {
    const dir = join(runDir, 'unpacked');
    mkdirSync(dir, { recursive: true });
    execFileSync('tar', ['-xzf', tarball, '-C', dir, '--strip-components=1']);
    const dependencies = Object.keys(pkg.dependencies ?? {});
    const actual: Record<string, string[]> = {};
    const expected: Record<string, string[]> = {};
    for (const subpath of subpaths) {
      const imported = importedPackages(join(dir, pkg.exports[subpath].types));
      actual[subpath] = [...imported].filter((name) => !dependencies.includes(name)).sort();
      expected[subpath] = [...new Set(SUBPATH_PEERS[subpath]!.map(typedModule))].sort();
    }
    expect(actual).toEqual(expected);
  });
});

describe('fresh strict projects (skipLibCheck: false) with only the packages each page or subpath needs', () => {
  for (const [key, { peers, compilerOptions, pages: grouped, subpaths: imported }] of groups) {
    const what = [...grouped.map((page) => page.path), ...imported.map(specifier)].join(', ');
    it(`[${key || 'no peer'}] ${what}`, () => {
      const options = Object.keys(compilerOptions).sort().join('+');
      const name = `${peers.length === 0 ? 'no-peers' : peers.join('+').replace(/[@/]/g, '_')}${options ? `+${options}` : ''}`;
      checkProject(name, { peers, compilerOptions }, (dir) => {
        const where = new Map<string, (line: number) => string>();
        for (const page of grouped) writePage(dir, page, where);
        if (imported.length > 0) {
          const lines = imported.map((subpath, i) => `import * as m${i} from '${specifier(subpath)}';`);
          writeFileSync(join(dir, 'subpaths.ts'), `${lines.join('\n')}\nexport const modules = [${imported.map((_, i) => `m${i}`).join(', ')}];\n`);
        }
        return (text) => {
          const match = /^([^:]+):(\d+):\d+ (.*)$/s.exec(text);
          const map = match && where.get(match[1]!);
          return map ? `${map(Number(match[2]))} ${match[3]}` : text;
        };
      });
    }, 300_000);
  }

  it('moduleResolution node10 (no exports map): every subpath resolves through typesVersions', () => {
    const peers = [...new Set(Object.values(SUBPATH_PEERS).flat())];
    checkProject('node10', { peers, moduleResolution: 'node10' }, (dir) => {
      const lines = subpaths.map((subpath, i) => `import * as m${i} from '${specifier(subpath)}';`);
      writeFileSync(join(dir, 'subpaths.ts'), `${lines.join('\n')}\nexport const modules = [${subpaths.map((_, i) => `m${i}`).join(', ')}];\n`);
      return (text) => text;
    });
  }, 300_000);
});
