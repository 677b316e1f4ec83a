#!/usr/bin/env node
/**
 * @module canon/cli/main
 * The `canon` executable (`"bin"` in package.json): runs one command and exits with its
 * code. A stray error or rejection also ends as one line and exit code 2.
 */
import { createOutput } from './io.js';
import { errorLine, EXIT_ERROR } from './errors.js';
import { runCli } from './run.js';

function die(error: unknown): void {
  process.stderr.write(`${errorLine(error)}\n`);
  process.exit(EXIT_ERROR);
}

process.on('uncaughtException', die);
process.on('unhandledRejection', die);

const code = await runCli(process.argv.slice(2), {
  out: createOutput(process.stdout),
  stdin: process.stdin,
  env: process.env,
});
process.exitCode = code;
