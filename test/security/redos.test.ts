/**
 * ReDoS: every regular expression in src/ is either free of nested quantifiers
 * (safe-regex2's star-height check) or reviewed below as unambiguous; and the ones that
 * run on data a client controls (redaction patterns over event values, header checks) are
 * run on adversarial 128 KB inputs, each shaped to make a backtracking engine revisit the
 * input. Linear time takes about a millisecond; quadratic takes seconds (the `jwt` pattern
 * took 23 s on `eyJ-` × 32,000 before its fix), so the 1 s bound is not a race. What used
 * to be a backtracking pattern over client input (the console's route, the `canon query`
 * shorthands, the filter lexer) runs on 1M-character adversarial inputs and must finish
 * with the right answer, within the test's timeout: linear code takes milliseconds, the
 * quadratic `--order-by` pattern took about 25 minutes on those and the cubic `--agg` one
 * far longer.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import safeRegex from 'safe-regex2';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import type { IncomingMessage } from 'node:http';
import { canonicalReady } from '../../src/audit/hash.js';
import { resolveRoute } from '../../src/console/route.js';
import { compilePatterns } from '../../src/redact/patterns.js';
import { TRACE_ID_PATTERN } from '../../src/core/ids.js';
import { tokenize } from '../../src/read/expr/lexer.js';
import { shorthandSql } from '../../src/read/query/shorthand.js';

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
  [
    '/[\\uD800-\\uDBFF](?![\\uDC00-\\uDFFF])|(?<![\\uD800-\\uDBFF])[\\uDC00-\\uDFFF]/g',
    'lone surrogates: no quantifier at all, one code unit per match (safe-regex2 cannot parse lookbehind); exercised below',
  ],
  [
    '/-?(?:\\d+(?:\\.\\d*)?|\\.\\d+)(?:[eE][+-]?\\d+)?/y',
    'filter numbers: sticky (one start), each optional part starts with "." or "e"; exercised below',
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

const M1 = 1_000_000;

describe('what used to backtrack over client input finishes on 1M-character inputs, with the right answer', () => {
  const route = (url: string) => resolveRoute({ url } as IncomingMessage);

  it('the console route (request paths)', () => {
    expect(route(`/${'api/a/'.repeat(M1 / 6)}!`)).toMatchObject({ type: 'redirect' });
    expect(route(`/${'assets/'.repeat(M1 / 7)}x!`)).toMatchObject({ type: 'redirect' });
    const base = `/${'a/'.repeat(M1 / 2)}`;
    expect(route(`${base}api/outbox/redrive`)).toMatchObject({ type: 'api', base, name: 'outbox/redrive' });
    expect(route(`${base}assets/app.js`)).toMatchObject({ type: 'asset', base, name: 'app.js' });
    expect(route(`/${'-'.repeat(M1)}/`)).toMatchObject({ type: 'page', base: `/${'-'.repeat(M1)}/` });
  });

  it('canon query --order-by and --agg', () => {
    const spaces = ' '.repeat(M1);
    expect(() => shorthandSql({ orderBy: [`a${spaces}x`] })).toThrow(/--order-by/);
    expect(shorthandSql({ orderBy: [`a${spaces}desc`] })).toBe('SELECT * FROM events ORDER BY "a" DESC');
    expect(() => shorthandSql({ agg: [`p99(${spaces}x`] })).toThrow(/expected an aggregate/);
    expect(() => shorthandSql({ agg: [`p99(a${spaces})x`] })).toThrow(/expected an aggregate/);
    expect(shorthandSql({ agg: [`p99${spaces}(${spaces}duration_ms${spaces})`] })).toBe(
      'SELECT quantile_cont("duration_ms", 0.99) AS "p99(duration_ms)" FROM events',
    );
  });

  it('the filter lexer (numbers)', () => {
    expect(tokenize(`${'1'.repeat(M1)}e`).map((token) => token.kind)).toEqual(['number', 'field', 'end']);
    expect(tokenize(`${'1.'.repeat(M1 / 2)}1`).filter((token) => token.kind === 'number')).toHaveLength(M1 / 2); // 1.1 .1 .1 …
    expect(tokenize(`-${'9'.repeat(M1)}.5e-3`)).toMatchObject([{ kind: 'number', value: Number.NEGATIVE_INFINITY }, { kind: 'end' }]);
  });

  it('lone surrogates in audit records', () => {
    const text = '\uD800a\uDC00'.repeat(M1 / 3);
    expect(canonicalReady({ text }).text).toBe('\uFFFDa\uFFFD'.repeat(M1 / 3));
  });
});
