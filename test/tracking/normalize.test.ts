import { describe, expect, it } from 'vitest';
import { normalizeStatement } from '../../src/tracking/db/normalize.js';

describe('normalizeStatement', () => {
  it('replaces string and number literals, keeps identifiers and placeholders', () => {
    expect(
      normalizeStatement("SELECT * FROM t1 WHERE email = 'ada@example.com' AND age > 30 AND id = $1"),
    ).toBe('SELECT * FROM t1 WHERE email = ? AND age > ? AND id = $1');
    expect(normalizeStatement('SELECT 3.14, .5, 1e-9, 0x1F, 1_000, -7')).toBe('SELECT ?, ?, ?, ?, ?, -?');
    expect(normalizeStatement('SELECT "Weird""Name1", col2 FROM "t 3"')).toBe(
      'SELECT "Weird""Name1", col2 FROM "t 3"',
    );
  });

  it('handles doubled quotes, escape strings, prefixed and dollar-quoted literals', () => {
    expect(normalizeStatement("SELECT 'it''s', E'a\\'b', B'101', X'ff', N'x', U&'d\\0061t'")).toBe(
      'SELECT ?, ?, ?, ?, ?, ?',
    );
    expect(normalizeStatement('SELECT $$secret$$, $tag$ has $$ inside $tag$, foo$bar')).toBe(
      'SELECT ?, ?, foo$bar',
    );
    expect(normalizeStatement("SELECT '2024-01-01'::date")).toBe('SELECT ?::date');
  });

  it('never leaks a MySQL literal with backslash escapes', () => {
    expect(normalizeStatement("SELECT * FROM notes WHERE body = 'it\\'s SECRET' AND id = 1")).toBe(
      'SELECT * FROM notes WHERE body = ? AND id = ?',
    );
    expect(normalizeStatement("SELECT 'a\\\\', 'b\\'c', 'it''s' FROM t")).toBe('SELECT ?, ?, ? FROM t');
    expect(normalizeStatement("INSERT INTO t VALUES ('x\\'', 'SECRET2'), (2, 'ok\\n')")).toBe(
      'INSERT INTO t VALUES (?, ?), (?, ?)',
    );
    expect(normalizeStatement("SELECT `it's` FROM `t` WHERE a = 'b\\'c'")).toBe("SELECT `it's` FROM `t` WHERE a = ?");
  });

  it('keeps PostgreSQL backslashes literal: a string ending in a backslash ends there', () => {
    expect(normalizeStatement("SELECT 'C:\\', 'secret' FROM t WHERE a = $1")).toBe('SELECT ?, ? FROM t WHERE a = $1');
    expect(normalizeStatement("SELECT E'it\\'s', $q$it's \\ SECRET$q$, 'x\\' FROM t")).toBe('SELECT ?, ?, ? FROM t');
  });

  it('masks what either dialect reads as a literal when both readings are valid', () => {
    // PostgreSQL: 'x\' then ', ' then SECRET then '), (2, ' ...; MySQL: 'x\'' then 'SECRET'
    const out = normalizeStatement("SELECT ('x\\'', 'SECRET'), ('y')");
    expect(out).not.toContain('SECRET');
    expect(out.startsWith('SELECT (?')).toBe(true);
  });

  it('drops comments and collapses whitespace', () => {
    expect(normalizeStatement("  SELECT 1 -- password 'x'\n\t FROM /* a /* nested */ comment */  t  ")).toBe(
      'SELECT ? FROM t',
    );
  });

  it('never leaks an unterminated literal', () => {
    expect(normalizeStatement("SELECT 'unterminated secret")).toBe('SELECT ?');
    expect(normalizeStatement('SELECT $x$ unterminated secret')).toBe('SELECT ?');
  });

  it('cuts the result to 1,000 characters', () => {
    const sql = `SELECT ${Array.from({ length: 600 }, (_, i) => `c${i}`).join(', ')} FROM t`;
    const out = normalizeStatement(sql);
    expect(out).toHaveLength(1000);
    expect(sql.startsWith(out)).toBe(true);
  });
});
