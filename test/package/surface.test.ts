/**
 * The public surface, per subpath of package.json's `exports`:
 * - the names each entry exports (values and types, from the TypeScript checker) match
 *   the snapshot in __snapshots__/: adding or removing an export fails until the snapshot
 *   is updated on purpose (`npx vitest run test/package/surface.test.ts -u`);
 * - importing the subpath alone loads no optional peer it does not need (ESM resolutions
 *   recorded by a loader hook, CommonJS by require.cache).
 */
import { execFile } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../', import.meta.url));
const pkg = JSON.parse(readFileSync(`${root}package.json`, 'utf8'));
const peers = new Set(Object.keys(pkg.peerDependencies));
const subpaths = Object.entries<{ default: string }>(pkg.exports)
  .filter(([subpath]) => subpath !== './package.json')
  .map(([subpath, target]) => ({
    subpath,
    source: target.default.replace(/^\.\/dist\//, 'src/').replace(/\.js$/, '.ts'),
  }));

/**
 * The optional peers a subpath may load on import: the one it adapts (with what that peer
 * itself loads, when it is a peer too), nothing else.
 */
const NEEDS: Record<string, string[]> = {
  './hono': ['hono'], // hono/route, for the matched route
  './otel': ['@opentelemetry/api'],
  './nats': ['nats'], // the JetStream header and codec helpers
  './metrics': ['@opentelemetry/api', 'prom-client'], // prom-client requires @opentelemetry/api itself
  './react': ['react'],
  './nestjs': ['@nestjs/common', '@nestjs/core', 'rxjs'],
  './graphql': ['graphql'],
};

/** `canon`, `canon/express`: how a subpath is imported. */
const specifier = (subpath: string) => `canon${subpath.slice(1)}`;

describe('export names per subpath', () => {
  const program = ts.createProgram(
    subpaths.map(({ source }) => `${root}${source}`),
    { module: ts.ModuleKind.NodeNext, moduleResolution: ts.ModuleResolutionKind.NodeNext, strict: true, noEmit: true },
  );
  const checker = program.getTypeChecker();
  for (const { subpath, source } of subpaths) {
    it(specifier(subpath), () => {
      const file = program.getSourceFile(`${root}${source}`)!;
      const symbol = checker.getSymbolAtLocation(file)!;
      const names = checker.getExportsOfModule(symbol).map((exported) => {
        const target = exported.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(exported) : exported;
        return `${exported.name}${target.flags & ts.SymbolFlags.Value ? '' : ' (type)'}`;
      });
      expect(names.sort()).toMatchSnapshot();
    });
  }
});

const run = promisify(execFile);

async function loadedPeers(source: string): Promise<string[]> {
  const log = join(tmpdir(), `canon-surface-${process.pid}-${Math.random().toString(36).slice(2)}.log`);
  const script = `await import(${JSON.stringify(`${root}${source}`)});
    const { createRequire } = await import('node:module');
    console.log(JSON.stringify(Object.keys(createRequire(import.meta.url).cache)));`;
  try {
    const { stdout } = await run(
      process.execPath,
      ['--import', 'tsx', '--import', `${root}test/package/surface-hook.mjs`, '--input-type=module', '-e', script],
      { cwd: root, env: { ...process.env, CANON_SURFACE_LOG: log } },
    );
    const urls = [...readFileSync(log, 'utf8').split('\n'), ...JSON.parse(stdout.trim().split('\n').at(-1)!)];
    const packages = urls.map((url: string) => /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(url)?.[1]);
    return [...new Set(packages.filter((name): name is string => !!name && peers.has(name)))].sort();
  } finally {
    rmSync(log, { force: true });
  }
}

describe('importing a subpath loads only the peers it needs', () => {
  it.concurrent.each(subpaths.map(({ subpath, source }) => [specifier(subpath), subpath, source]))(
    '%s',
    { timeout: 60_000 },
    async (_name, subpath, source) => {
      expect(await loadedPeers(source)).toEqual(NEEDS[subpath] ?? []);
    },
  );
});
