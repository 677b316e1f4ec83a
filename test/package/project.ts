/**
 * A fresh TypeScript project, as a user of Canon has it: its own folder outside the
 * repository, `"type": "module"`, Canon unpacked from the tarball into
 * `node_modules/canon`, and only the packages it names (plus `@types/node`) beside it.
 *
 * Those packages are linked from the repository's `node_modules` (the versions of the lock
 * file, no registry, no install time) rather than installed with npm: the project's
 * `node_modules` holds exactly them, so Canon's declarations and the code compiled there
 * resolve nothing else. Canon itself is a real folder, so its own imports resolve from the
 * project as they do in an installed app.
 *
 * `compileProject` type-checks with the compiler API and reports only the diagnostics of
 * the project's own files and of Canon's declarations (`skipLibCheck: false`): errors in
 * other packages' declarations are theirs. Parsed declaration files are shared between
 * projects (the language service does the same), which makes a dozen projects affordable.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import ts from 'typescript';

export interface ProjectOptions {
  /** Packages linked into `node_modules` besides Canon, its dependencies and `@types/node`. */
  peers: string[];
  /** `'NodeNext'` (default) or `'node10'` (the legacy resolution that ignores `exports`). */
  moduleResolution?: 'NodeNext' | 'node10';
  /**
   * Added to the fresh strict options (a page's `tsconfig` note: Nest's decorators); they
   * may not change those (a page cannot turn `strict` off).
   */
  compilerOptions?: Record<string, unknown>;
}

/** The tsconfig of a fresh strict Node project (the shape of `@tsconfig/node20`), plus `options.compilerOptions`. */
function compilerOptions(options: ProjectOptions): Record<string, unknown> {
  const modules =
    options.moduleResolution === 'node10'
      ? { module: 'CommonJS', moduleResolution: 'node10', esModuleInterop: true }
      : { module: 'NodeNext', moduleResolution: 'NodeNext' };
  const fresh = { target: 'ES2022', lib: ['ES2023'], ...modules, strict: true, skipLibCheck: false, noEmit: true };
  const added = options.compilerOptions ?? {};
  const changed = Object.keys(added).filter((name) => name in fresh);
  if (changed.length > 0) throw new Error(`compiler options ${changed.join(', ')} are the fresh project's own`);
  return { ...fresh, ...added };
}

function link(root: string, dir: string, name: string): void {
  const target = join(root, 'node_modules', name);
  const path = join(dir, 'node_modules', name);
  try {
    readFileSync(join(target, 'package.json'));
  } catch {
    throw new Error(`${name} is not installed in the repository: add it to devDependencies`);
  }
  mkdirSync(dirname(path), { recursive: true });
  symlinkSync(target, path, 'dir');
  const { bin } = JSON.parse(readFileSync(join(target, 'package.json'), 'utf8')) as {
    bin?: string | Record<string, string>;
  };
  const bins = typeof bin === 'string' ? { [name.split('/').at(-1)!]: bin } : (bin ?? {});
  for (const [command, file] of Object.entries(bins)) {
    mkdirSync(join(dir, 'node_modules/.bin'), { recursive: true });
    symlinkSync(join(target, file), join(dir, 'node_modules/.bin', command));
  }
}

/**
 * Creates the project folder `dir` with Canon from `tarball` and `options.peers`.
 *
 * @example
 * createProject(root, tarball, '/tmp/run/pg', { peers: ['pg', '@types/pg'] });
 */
export function createProject(root: string, tarball: string, dir: string, options: ProjectOptions): void {
  for (let parent = dirname(dir); parent !== dirname(parent); parent = dirname(parent)) {
    // TypeScript looks for packages and @types in every ancestor's node_modules too.
    if (existsSync(join(parent, 'node_modules'))) throw new Error(`${parent}/node_modules would leak into ${dir}`);
  }
  const canon = join(dir, 'node_modules/canon');
  mkdirSync(canon, { recursive: true });
  execFileSync('tar', ['-xzf', tarball, '-C', canon, '--strip-components=1']);
  const packed = JSON.parse(readFileSync(join(canon, 'package.json'), 'utf8')) as {
    dependencies?: Record<string, string>;
  };
  const packages = [...Object.keys(packed.dependencies ?? {}), '@types/node', ...options.peers];
  for (const name of new Set(packages)) link(root, dir, name);
  const versions = Object.fromEntries(
    options.peers.map((name) => [
      name,
      (JSON.parse(readFileSync(join(root, 'node_modules', name, 'package.json'), 'utf8')) as { version: string })
        .version,
    ]),
  );
  writeFileSync(
    join(dir, 'package.json'),
    `${JSON.stringify({ private: true, type: 'module', dependencies: { canon: `file:${tarball}`, ...versions } }, null, 2)}\n`,
  );
  writeFileSync(
    join(dir, 'tsconfig.json'),
    `${JSON.stringify({ compilerOptions: compilerOptions(options), include: ['**/*.ts'], exclude: ['node_modules'] }, null, 2)}\n`,
  );
}

/** Parsed declaration files by path and parse settings, shared by every compile. */
const sourceFiles = new Map<string, ts.SourceFile>();

function sharedHost(options: ts.CompilerOptions): ts.CompilerHost {
  const host = ts.createCompilerHost(options);
  const getSourceFile = host.getSourceFile;
  host.getSourceFile = (fileName, settings, onError, fresh) => {
    if (!fileName.endsWith('.d.ts') || fileName.includes('/node_modules/canon/')) {
      return getSourceFile.call(host, fileName, settings, onError, fresh);
    }
    const format = typeof settings === 'object' ? settings.impliedNodeFormat : undefined;
    const key = `${options.moduleResolution}:${format}:${fileName}`;
    let file = sourceFiles.get(key);
    if (!file) {
      file = getSourceFile.call(host, fileName, settings, onError, fresh);
      if (file) sourceFiles.set(key, file);
    }
    return file;
  };
  return host;
}

/** A diagnostic as `file:line:col TSxxxx message`, with the file relative to `dir`. */
export function formatDiagnostic(dir: string, diagnostic: ts.Diagnostic): string {
  const message = ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n');
  if (!diagnostic.file || diagnostic.start === undefined) return `TS${diagnostic.code} ${message}`;
  const { line, character } = diagnostic.file.getLineAndCharacterOfPosition(diagnostic.start);
  return `${relative(dir, diagnostic.file.fileName)}:${line + 1}:${character + 1} TS${diagnostic.code} ${message}`;
}

/**
 * Type-checks the project in `dir` as `tsc -p dir` would; returns the diagnostics of the
 * project's own files and of Canon's declarations.
 */
export function compileProject(dir: string): ts.Diagnostic[] {
  const config = ts.getParsedCommandLineOfConfigFile(join(dir, 'tsconfig.json'), {}, {
    ...ts.sys,
    onUnRecoverableConfigFileDiagnostic: (diagnostic) => {
      throw new Error(formatDiagnostic(dir, diagnostic));
    },
  })!;
  if (config.errors.length > 0) return config.errors;
  const program = ts.createProgram({
    rootNames: config.fileNames,
    options: config.options,
    host: sharedHost(config.options),
  });
  const ours = (file: ts.SourceFile) =>
    !file.fileName.includes('/node_modules/') || file.fileName.startsWith(join(dir, 'node_modules/canon/'));
  return [
    ...program.getOptionsDiagnostics(),
    ...program.getGlobalDiagnostics(),
    ...program.getSourceFiles().filter(ours).flatMap((file) => [
      ...program.getSyntacticDiagnostics(file),
      ...program.getSemanticDiagnostics(file),
    ]),
  ];
}
