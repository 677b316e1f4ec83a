/**
 * @module canon/read/pretty/colors
 * ANSI colours for the pretty view, and when to use them: on a TTY with `NO_COLOR` unset,
 * or whenever `FORCE_COLOR` is set to anything but `0`/`false` (https://no-color.org,
 * https://force-color.org). Eight escape codes written out: `node:util` `styleText`
 * only exists from Node 20.12 while Canon supports Node 20, and it would validate its
 * arguments on every call of a path that formats 200,000 lines a second.
 */

export type Paint = (text: string) => string;

export interface Palette {
  dim: Paint;
  bold: Paint;
  red: Paint;
  green: Paint;
  yellow: Paint;
  blue: Paint;
  magenta: Paint;
  cyan: Paint;
}

function code(open: number, close: number): Paint {
  return (text) => `\x1b[${open}m${text}\x1b[${close}m`;
}

const plain: Paint = (text) => text;

/** The palette writing ANSI codes. */
export const COLORS: Palette = {
  dim: code(2, 22),
  bold: code(1, 22),
  red: code(31, 39),
  green: code(32, 39),
  yellow: code(33, 39),
  blue: code(34, 39),
  magenta: code(35, 39),
  cyan: code(36, 39),
};

/** The palette writing text unchanged. */
export const NO_COLORS: Palette = {
  dim: plain,
  bold: plain,
  red: plain,
  green: plain,
  yellow: plain,
  blue: plain,
  magenta: plain,
  cyan: plain,
};

/**
 * Whether output to `stream` gets colours: `FORCE_COLOR` (not `0`/`false`) forces them,
 * else a TTY with `NO_COLOR` unset or empty.
 *
 * @example
 * colorsEnabled(process.stdout) // true in a terminal, false when piped or with NO_COLOR=1
 */
export function colorsEnabled(
  stream: { isTTY?: boolean } | undefined,
  env: NodeJS.ProcessEnv = process.env,
): boolean {
  const force = env.FORCE_COLOR;
  if (force !== undefined) return force !== '0' && force.toLowerCase() !== 'false';
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  return stream?.isTTY === true;
}
