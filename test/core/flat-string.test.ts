import { describe, expect, it } from 'vitest';
import { flatSlice } from '../../src/core/flat-string.js';
import { urlPath } from '../../src/http/fetch-lifecycle.js';
import { pathOf } from '../../src/http/request-target.js';
import { parseTraceparent } from '../../src/http/traceparent.js';

describe('flatSlice', () => {
  it('returns exactly what slice returns, for short, long, whole and non-Latin-1 text', () => {
    const texts = [
      '/api/v1/users/7/orders?page=2',
      '/s?x',
      '/caf\u00e9/men\u00fc/\u00e0-la-carte?lang=fr',
      '/\u65e5\u672c\u8a9e/\u30d1\u30b9/\u3068\u3066\u3082\u9577\u3044?q=1',
      '/emoji/\u{1f600}\u{1f601}\u{1f602}/and/more?x=1',
      '/lone/\ud800/surrogate/in/the/path?x',
      '',
    ];
    for (const text of texts) {
      for (let start = 0; start <= text.length; start += 3) {
        for (let end = start; end <= text.length; end++) {
          expect(flatSlice(text, start, end)).toBe(text.slice(start, end));
        }
      }
    }
  });

  it('is what the request paths and incoming trace ids are cut with', () => {
    expect(pathOf('/api/v1/users/7/orders?page=2')).toBe('/api/v1/users/7/orders');
    expect(pathOf('/caf\u00e9/men\u00fc/longer-than-13?x')).toBe('/caf\u00e9/men\u00fc/longer-than-13');
    expect(urlPath('https://example.com/\u65e5\u672c\u8a9e/\u30d1\u30b9/long/path?q=1')).toBe(
      '/\u65e5\u672c\u8a9e/\u30d1\u30b9/long/path',
    );
    expect(parseTraceparent('00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01')).toEqual({
      traceId: '4bf92f3577b34da6a3ce929d0e0e4736',
      parentSpanId: '00f067aa0ba902b7',
      flags: '01',
    });
  });
});
