import { describe, expect, it } from 'vitest';
import { compileFilter, queryEvents } from '../../src/read/index.js';
import { caught } from '../helpers/caught.js';

const events = [
  { kind: 'http', id: 1, status_code: 200, route: '/api/users', duration_ms: 12, user: { id: 'u_1', plan: 'pro' } },
  { kind: 'http', id: 2, status_code: 503, route: '/api/orders', duration_ms: 900, user: { id: 'u_2', plan: 'free' }, error: { type: 'Boom' } },
  { kind: 'http', id: 3, status_code: 404, route: '/health', duration_ms: 1.5 },
  { kind: 'job', id: 4, duration_ms: 3000, user: { id: 'u_3', plan: 'team' } },
  { kind: 'http', id: 5, status_code: 500, route: '/API/Orders', duration_ms: 50, user: { id: "o'brien", plan: 'pro' } },
];

const EXPRESSIONS = [
  'status_code >= 500',
  'status_code = 404 or duration_ms > 1000',
  "user.plan in ('pro', 'team')",
  "user.plan not in ('pro')",
  'not status_code >= 500',
  "route like '/api/%'",
  "route ilike '/api/%'",
  "route not like '%orders'",
  'error is not null',
  'error.type is null',
  'user is null and kind = "job"',
  "(status_code >= 500 or kind == 'job') and duration_ms > 100",
  "user.id = 'o''brien'",
  'status_code != 200',
  'status_code <> 200 and not (route like "/h%")',
];

describe('compileFilter', () => {
  it('means the same in JavaScript (tail --where) as in DuckDB (query --where)', async () => {
    const lines = events.map((event) => JSON.stringify(event));
    for (const expression of EXPRESSIONS) {
      const filter = compileFilter(expression);
      const inJs = events.filter(filter.test).map((event) => event.id);
      const { rows } = await queryEvents({ lines, sql: `SELECT id FROM events WHERE ${filter.sql} ORDER BY id` });
      expect(inJs, expression).toEqual(rows.map((row) => row.id));
    }
  });

  it('selects what a reader of the expression expects', () => {
    const ids = (expression: string) => events.filter(compileFilter(expression).test).map((event) => event.id);
    expect(ids('status_code >= 500')).toEqual([2, 5]);
    expect(ids('not status_code >= 500')).toEqual([1, 3]); // a missing status_code is neither
    expect(ids("user.plan in ('pro', 'team')")).toEqual([1, 4, 5]);
    expect(ids("route like '/api/%'")).toEqual([1, 2]);
    expect(ids("route ilike '/api/%'")).toEqual([1, 2, 5]);
    expect(ids('status_code >= "500"')).toEqual([2, 5]); // a number in quotes compares as a number
  });

  it('compiles nested fields to quoted struct access', () => {
    expect(compileFilter("user.id = 'u_1' and `odd-key`.x > 1").sql).toBe(`(("user"."id" = 'u_1') AND ("odd-key"."x" > 1))`);
  });

  it('refuses a malformed expression with the place it went wrong', async () => {
    const cases: [string, RegExp][] = [
      ['status_code >=', /expected a field, a number or a quoted string at the end/],
      ['status_code 500', /expected an operator .* at column 13 \(near "500"\)/],
      ["route = 'x", /unterminated string at column 9/],
      ['a = 1 b = 2', /expected "and", "or" or the end at column 7/],
      ['(a = 1', /expected "\)" at the end/],
      ['a ~ 1', /unexpected character "~" at column 3/],
      ['', /expected an expression such as "status_code >= 500"/],
    ];
    for (const [expression, message] of cases) {
      expect(() => compileFilter(expression, '--where'), expression).toThrow(message);
      expect(() => compileFilter(expression, '--where')).toThrow(/^canon: invalid --where /);
    }
    expect(await caught((async () => compileFilter('a =', '--where'))())).toMatchObject({
      code: 'CANON_INVALID_EXPRESSION',
      details: { expression: 'a =', column: 4 },
    });
  });

  it('quotes at most 200 characters of a long invalid expression, with the column', async () => {
    const expression = `${'status_code >= 500 and '.repeat(50_000)}~`;
    const error = (await caught((async () => compileFilter(expression, '--where'))())) as unknown as Error & {
      details: { expression: string; column: number };
    };
    expect(error.message.length).toBeLessThan(400);
    expect(error.message).toContain(`[${expression.length - 200} more chars]`);
    expect(error.message).toContain(`unexpected character "~" at column ${expression.length}`);
    expect(error.details.column).toBe(expression.length);
    expect(error.details.expression.length).toBeLessThan(300);
  });
});
