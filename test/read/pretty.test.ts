import { describe, expect, it } from 'vitest';
import { colorsEnabled, formatPretty } from '../../src/read/index.js';

const http = {
  timestamp: '2026-12-01T12:04:05.123Z',
  kind: 'http',
  request_id: 'req_1',
  trace_id: 'a'.repeat(32),
  span_id: 'b'.repeat(16),
  service: 'checkout',
  host: 'web-1',
  method: 'POST',
  path: '/checkout',
  route: '/checkout',
  status_code: 201,
  duration_ms: 12.34,
  outcome: 'success',
  sample_rate: 1,
  user: { id: 'u_1', plan: 'pro' },
  cart: { items: 3 },
};

describe('formatPretty', () => {
  it('shows time, service, kind, method and path, status, duration and the own fields compactly', () => {
    expect(formatPretty(http)).toBe('12:04:05.123 checkout http    POST /checkout 201 12.3ms user.id=u_1 user.plan=pro cart.items=3');
  });

  it('names messages, outbox attempts, webhook attempts and jobs by what they did', () => {
    const base = { timestamp: '2026-12-01T12:00:00.000Z', service: 's', duration_ms: 2500, outcome: 'success' };
    const event = { id: 'e1', type: 'order.placed', version: 1 };
    expect(formatPretty({ ...base, kind: 'message', event, message: { consumer: 'billing', attempt: 2, max_attempts: 5, lag_ms: 3 } }))
      .toBe('12:00:00.000 s message order.placed ← billing (2/5) 2.50s message.lag_ms=3');
    expect(formatPretty({ ...base, kind: 'outbox', event, outbox: { topic: 'orders', attempt: 1 } })).toBe(
      '12:00:00.000 s outbox  order.placed → orders 2.50s',
    );
    expect(formatPretty({ ...base, kind: 'webhook', event, webhook: { endpoint_id: 'ep_1', host: 'hooks.example.com', attempt: 3, max_attempts: 8, response_status: 503 }, outcome: 'error' }))
      .toBe('12:00:00.000 s webhook order.placed → hooks.example.com (3/8) 503 2.50s error');
    expect(formatPretty({ ...base, kind: 'job', job: { name: 'nightly-report' }, rows: 12 })).toBe('12:00:00.000 s job     nightly-report 2.50s rows=12');
  });

  it('expands an error: type, message, code, first stack frames, cause chain and aggregate members', () => {
    const text = formatPretty({
      ...http,
      status_code: 502,
      outcome: 'error',
      error: {
        type: 'UpstreamError',
        message: 'payment provider timed out',
        code: 'ETIMEDOUT',
        status: 502,
        stack: 'UpstreamError: payment provider timed out\n    at pay (src/pay.ts:10:5)\n    at checkout (src/checkout.ts:4:3)\n    at a (a.ts:1:1)\n    at b (b.ts:1:1)',
        errors: [{ type: 'Error', message: 'first' }, { type: 'Error', message: 'second' }],
        cause: { type: 'FetchError', message: 'connect ECONNREFUSED', code: 'ECONNREFUSED', cause: { type: 'Error', message: 'root' } },
      },
    }, { stackFrames: 2 });
    expect(text.split('\n')).toEqual([
      '12:04:05.123 checkout http    POST /checkout 502 12.3ms error user.id=u_1 user.plan=pro cart.items=3',
      '  ✖ UpstreamError: payment provider timed out  code=ETIMEDOUT status=502',
      '      at pay (src/pay.ts:10:5)',
      '      at checkout (src/checkout.ts:4:3)',
      '    [0] Error: first',
      '    [1] Error: second',
      '    caused by FetchError: connect ECONNREFUSED  code=ECONNREFUSED',
      '    caused by Error: root',
    ]);
  });

  it('shows --fields first (even standard ones), cuts long values and lists published event types', () => {
    const text = formatPretty(
      { ...http, note: 'x'.repeat(100), events_published: [{ type: 'order.placed', id: '1' }], tags: ['a', 'b'] },
      { fields: ['request_id', 'user.id', 'missing.field'], maxValueLength: 20 },
    );
    expect(text).toBe(
      `12:04:05.123 checkout http    POST /checkout 201 12.3ms request_id=req_1 user.id=u_1 user.plan=pro cart.items=3 note=${'x'.repeat(19)}… events_published=[order.placed] tags=[a,b]`,
    );
  });

  it('colours status by class, errors in red, only when asked', () => {
    const colored = formatPretty({ ...http, status_code: 503, outcome: 'error' }, { colors: true });
    expect(colored).toContain('\x1b[31m503\x1b[39m');
    expect(colored).toContain('\x1b[31merror\x1b[39m');
    expect(formatPretty({ ...http, status_code: 404 }, { colors: true })).toContain('\x1b[33m404\x1b[39m');
    expect(formatPretty(http, { colors: true })).toContain('\x1b[32m201\x1b[39m');
    expect(formatPretty(http)).not.toContain('\x1b[');
  });

  it('never throws on odd events', () => {
    for (const odd of [{}, { timestamp: 5, kind: ['x'], error: 'boom', duration_ms: 'slow' }, { error: { cause: { cause: null } } }]) {
      expect(typeof formatPretty(odd as Record<string, unknown>)).toBe('string');
    }
    expect(formatPretty({ kind: 'http', error: { message: 'm' } })).toBe('--:--:--.--- http   \n  ✖ Error: m');
  });
});

describe('colorsEnabled', () => {
  const tty = { isTTY: true };
  it('is on for a TTY, off when piped, off with NO_COLOR, forced by FORCE_COLOR', () => {
    expect(colorsEnabled(tty, {})).toBe(true);
    expect(colorsEnabled({ isTTY: false }, {})).toBe(false);
    expect(colorsEnabled(tty, { NO_COLOR: '1' })).toBe(false);
    expect(colorsEnabled(tty, { NO_COLOR: '' })).toBe(true);
    expect(colorsEnabled({ isTTY: false }, { FORCE_COLOR: '1' })).toBe(true);
    expect(colorsEnabled(tty, { FORCE_COLOR: '0' })).toBe(false);
    expect(colorsEnabled(tty, { FORCE_COLOR: 'false', NO_COLOR: '' })).toBe(false);
  });
});
