/**
 * @module canon/cli/args
 * Option parsing with `node:util` `parseArgs` (no dependency), its errors turned into
 * one-line usage errors that name the command and the option.
 */
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { UsageError } from './errors.js';

export type OptionSpec = NonNullable<ParseArgsConfig['options']>;

export interface Parsed {
  values: Record<string, string | boolean | string[] | undefined>;
  positionals: string[];
}

/**
 * Parses `argv` for `command`; a `UsageError` naming the option on bad input.
 *
 * @example
 * parseCommand('query', ['--json', 'a.jsonl'], { json: { type: 'boolean' } })
 */
export function parseCommand(command: string, argv: string[], options: OptionSpec): Parsed {
  try {
    const { values, positionals } = parseArgs({ args: argv, options, allowPositionals: true, strict: true });
    return { values: values as Parsed['values'], positionals };
  } catch (err) {
    const message = (err as Error).message.replace(/\. To specify a positional argument.*$/s, '').replace(/'/g, '');
    throw new UsageError(`canon ${command}: ${message.charAt(0).toLowerCase()}${message.slice(1)} (see canon ${command} --help)`);
  }
}

/**
 * The value of a string option, or undefined.
 *
 * @example
 * stringOption(parsed, 'where') // 'status_code >= 500'
 */
export function stringOption(parsed: Parsed, name: string): string | undefined {
  const value = parsed.values[name];
  return typeof value === 'string' ? value : undefined;
}

/**
 * A whole number option (`--limit 10`); a usage error naming it otherwise.
 *
 * @example
 * integerOption(parsed, 'query', 'limit') // 10
 */
export function integerOption(parsed: Parsed, command: string, name: string, min = 0): number | undefined {
  const text = stringOption(parsed, name);
  if (text === undefined) return undefined;
  const value = Number(text);
  if (!/^\d+$/.test(text.trim()) || !Number.isSafeInteger(value) || value < min) {
    throw new UsageError(`canon ${command}: --${name} expects a whole number >= ${min}, got ${JSON.stringify(text)}`);
  }
  return value;
}

/**
 * A number option (`--slow 250`); a usage error naming it otherwise.
 *
 * @example
 * numberOption(parsed, 'pretty', 'slow') // 250
 */
export function numberOption(parsed: Parsed, command: string, name: string): number | undefined {
  const text = stringOption(parsed, name);
  if (text === undefined) return undefined;
  const value = Number(text);
  if (text.trim() === '' || !Number.isFinite(value) || value < 0) {
    throw new UsageError(`canon ${command}: --${name} expects a number >= 0, got ${JSON.stringify(text)}`);
  }
  return value;
}

/**
 * A comma-separated list option (`--fields a,b.c`).
 *
 * @example
 * listOption(parsed, 'fields') // ['a', 'b.c']
 */
export function listOption(parsed: Parsed, name: string): string[] | undefined {
  const text = stringOption(parsed, name);
  if (text === undefined) return undefined;
  return text
    .split(',')
    .map((item) => item.trim())
    .filter(Boolean);
}
