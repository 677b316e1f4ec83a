/**
 * Reads the docs pages (README.md, docs/*.md) into what the type-check of their code needs:
 * the TypeScript blocks with their line numbers, and the page's machine-readable notes,
 * written as HTML comments so they do not show on the rendered page:
 *
 * - `<!-- peers: pg @types/pg -->`: the packages the page's code needs besides `canon`,
 *   `typescript` and `@types/node` (every page gets those three). Required on every page.
 * - `<!-- tsconfig: {"experimentalDecorators": true} -->`: compiler options (JSON) the
 *   page's project sets on top of the fresh strict ones, for code that needs them (Nest's
 *   decorators); the page must show the reader the same options in a `json` block.
 * - `<!-- prelude … -->` right before a block: hidden lines the block is compiled after
 *   (the `app`, `pool` or `req` an excerpt takes from the page's first example).
 * - `<!-- file: schema.ts … -->`: a file written next to the blocks (`./schema.js` imports).
 * - `<!-- setup: prisma generate … -->`: a command run beside the blocks before compiling.
 */
import { readdirSync, readFileSync } from 'node:fs';

export interface DocBlock {
  /** Line (1-based) of the block's first code line in the page. */
  line: number;
  code: string;
  /** Hidden lines compiled before the block, and the page line they start on. */
  prelude?: { line: number; code: string };
}

export interface DocPage {
  /** Relative to the repository root: `README.md`, `docs/pg.md`. */
  path: string;
  /** The peer list of `<!-- peers: … -->`, `undefined` when the page has none. */
  peers: string[] | undefined;
  /** The compiler options of `<!-- tsconfig: … -->`, `{}` when the page has none. */
  compilerOptions: Record<string, unknown>;
  /** The code of the page's `json` blocks (where a page shows its tsconfig). */
  json: string[];
  blocks: DocBlock[];
  files: { name: string; content: string }[];
  setup: string[];
  /** The page without its code blocks and comments: what a reader sees as prose. */
  prose: string;
}

/** What every page's project has besides its peers. */
const EVERY_PAGE = new Set(['canon', 'typescript', '@types/node']);

/** Fence languages that are compiled; every other fence must be one of `OTHER_LANGUAGES`. */
const TYPESCRIPT = new Set(['ts', 'typescript']);
const OTHER_LANGUAGES = new Set(['', 'json', 'sql', 'sh', 'js', 'md', 'text']);

interface Fence {
  marker: string;
  lang: string;
  start: number;
  lines: string[];
}

/** Parses one page; throws on a malformed note so a typo cannot silently skip a check. */
export function parsePage(path: string, text: string): DocPage {
  const lines = text.split('\n');
  const page: DocPage = { path, peers: undefined, compilerOptions: {}, json: [], blocks: [], files: [], setup: [], prose: '' };
  const prose: string[] = [];
  let fence: Fence | undefined;
  let prelude: DocBlock['prelude'];
  let comment: { kind: string; start: number; lines: string[] } | undefined;

  const where = (index: number) => `${path}:${index + 1}`;

  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (fence) {
      const trimmed = line.trim();
      if (trimmed.length >= fence.marker.length && trimmed === fence.marker[0]!.repeat(trimmed.length)) {
        if (TYPESCRIPT.has(fence.lang)) page.blocks.push({ line: fence.start + 2, code: fence.lines.join('\n'), prelude });
        else if (prelude) throw new Error(`${where(fence.start)}: a prelude before a ${fence.lang || 'plain'} block`);
        else if (!OTHER_LANGUAGES.has(fence.lang)) throw new Error(`${where(fence.start)}: unknown fence language "${fence.lang}"`);
        else if (fence.lang === 'json') page.json.push(fence.lines.join('\n'));
        fence = undefined;
        prelude = undefined;
      } else fence.lines.push(line);
      continue;
    }
    if (comment) {
      if (line.trim() === '-->') {
        const body = comment.lines.join('\n');
        if (comment.kind === 'prelude') prelude = { line: comment.start + 2, code: body };
        else page.files.push({ name: comment.kind.slice('file: '.length), content: `${body}\n` });
        comment = undefined;
      } else comment.lines.push(line);
      continue;
    }
    const opening = /^(`{3,}|~{3,})\s*([\w-]*)\s*$/.exec(line);
    if (opening) {
      fence = { marker: opening[1]!, lang: opening[2]!, start: i, lines: [] };
      continue;
    }
    const note = /^<!--\s*(peers|setup|tsconfig):(.*?)\s*-->\s*$/.exec(line);
    if (note) {
      const value = note[2]!.trim();
      if (note[1] === 'peers') page.peers = value === '' ? [] : value.split(/\s+/);
      else if (note[1] === 'tsconfig') page.compilerOptions = compilerOptionsNote(value, where(i));
      else page.setup.push(value);
      continue;
    }
    const open = /^<!--\s*(prelude|file: [\w./-]+)\s*$/.exec(line);
    if (open) {
      comment = { kind: open[1]!, start: i, lines: [] };
      continue;
    }
    if (line.startsWith('<!--')) throw new Error(`${where(i)}: unknown note ${line}`);
    if (prelude && line.trim() !== '') throw new Error(`${where(i)}: a prelude must be followed by its block`);
    prose.push(line);
  }
  if (fence) throw new Error(`${where(fence.start)}: unclosed code block`);
  if (comment) throw new Error(`${where(comment.start)}: unclosed note`);
  page.prose = prose.join('\n');
  return page;
}

/** The object of a `tsconfig` note; throws when it is not a JSON object. */
function compilerOptionsNote(value: string, at: string): Record<string, unknown> {
  let options: unknown;
  try {
    options = JSON.parse(value);
  } catch {
    throw new Error(`${at}: the tsconfig note is not JSON: ${value}`);
  }
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    throw new Error(`${at}: the tsconfig note must be an object of compiler options`);
  }
  return options as Record<string, unknown>;
}

/** README.md and every docs/*.md page of the repository at `root`. */
export function readPages(root: string): DocPage[] {
  const paths = ['README.md', ...readdirSync(`${root}docs`).filter((name) => name.endsWith('.md')).sort().map((name) => `docs/${name}`)];
  return paths.map((path) => parsePage(path, readFileSync(`${root}${path}`, 'utf8')));
}

/**
 * The packages named in the page's `npm install …` code spans, less the ones every page
 * gets (`canon`, `typescript`, `@types/node`): what a reader is told to install, to be
 * compared with the page's `peers` note.
 */
export function installedInProse(page: DocPage): string[] {
  const names = new Set<string>();
  for (const match of page.prose.matchAll(/`npm (?:install|i) ([^`]+)`/g)) {
    if (/(^|\s)(-g|--global)(\s|$)/.test(match[1]!)) continue; // a tool, not the page's code's
    for (const word of match[1]!.split(/\s+/)) {
      if (word === '' || word.startsWith('-') || EVERY_PAGE.has(word)) continue;
      names.add(word);
    }
  }
  return [...names].sort();
}
