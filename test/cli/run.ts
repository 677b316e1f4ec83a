/** Runs the built `canon` command (`npm run build` first) as a user would, and collects what it printed. */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const root = fileURLToPath(new URL('../../', import.meta.url));
export const CLI = `${root}dist/cli/main.js`;

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export interface CliOptions {
  /** Written to stdin, which is then closed (closed at once when absent). */
  input?: string | Buffer;
  env?: Record<string, string | undefined>;
  cwd?: string;
  /** The script to run instead of the built CLI (a copy elsewhere). */
  cli?: string;
}

/**
 * Runs `canon args…` to completion.
 *
 * @example
 * const { code, stdout } = await canon(['query', 'a.jsonl', '--json']);
 */
export function canon(args: string[], options: CliOptions = {}): Promise<CliResult> {
  const cli = options.cli ?? CLI;
  if (!existsSync(cli)) throw new Error(`${cli} is missing: run npm run build before the CLI tests`);
  const env: NodeJS.ProcessEnv = { PATH: process.env.PATH, HOME: process.env.HOME, ...options.env };
  for (const key of Object.keys(env)) if (env[key] === undefined) delete env[key];
  const child = spawn(process.execPath, [cli, ...args], { cwd: options.cwd ?? root, env, stdio: ['pipe', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk) => (stdout += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk) => (stderr += chunk));
  child.stdin.on('error', () => {}); // a command that does not read stdin may exit first
  child.stdin.end(options.input ?? '');
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}
