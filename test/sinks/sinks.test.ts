import diagnostics_channel from 'node:diagnostics_channel';
import { mkdtempSync, readFileSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { canonNode } from '../../src/frameworks/node/index.js';
import { createCanon, fileSink, memorySink } from '../../src/index.js';
import { listen } from '../helpers/http.js';
import { waitFor } from '../helpers/wait.js';

describe('sinks', () => {
  it('a sink that throws or rejects never breaks requests, and is counted', async () => {
    const good = memorySink();
    const errors: unknown[] = [];
    const listener = (message: unknown) => errors.push(message);
    diagnostics_channel.subscribe('canon:sink-error', listener);
    const canon = createCanon({
      handleExit: false,
      sinks: [
        {
          write: () => {
            throw new Error('disk full');
          },
        },
        {
          write: async () => {
            throw new Error('network down');
          },
        },
        good,
      ],
    });
    const app = await listen(http.createServer(canonNode(canon, (_req, res) => res.end('ok'))));
    try {
      for (let i = 0; i < 3; i++) {
        const res = await fetch(app.url);
        expect(await res.text()).toBe('ok');
      }
      await waitFor(() => good.events.length === 3 && canon.stats().sink_errors === 6);
      expect(canon.stats()).toMatchObject({ emitted: 3, sink_errors: 6 });
      expect(errors).toHaveLength(6);
    } finally {
      diagnostics_channel.unsubscribe('canon:sink-error', listener);
      await app.close();
    }
  });

  it('fileSink appends one JSON line per event and creates folders', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'canon-')), 'nested', 'events.ndjson');
    const canon = createCanon({ handleExit: false, sinks: [fileSink(path)] });
    for (let i = 0; i < 50; i++) await canon.run({ i }, () => {});
    await canon.close();
    const lines = readFileSync(path, 'utf8').trim().split('\n');
    expect(lines.map((line) => JSON.parse(line).i)).toEqual(Array.from({ length: 50 }, (_, i) => i));
  });

  it('fileSink pushes lines out on its timer when traffic is low', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'canon-')), 'events.ndjson');
    const canon = createCanon({ handleExit: false, sinks: [fileSink(path, { flushIntervalMs: 20 })] });
    await canon.run({ lonely: true }, () => {});
    await waitFor(() => readFileSync(path, 'utf8').includes('"lonely":true'), 10_000, 'timer flush');
    await canon.close();
  });

  it('rejects a missing file path', () => {
    expect(() => fileSink('')).toThrow(/fileSink\(path\)/);
  });

  it('emits nothing after close', async () => {
    const sink = memorySink();
    const canon = createCanon({ handleExit: false, sinks: [sink] });
    await canon.close();
    await canon.run({}, () => {});
    expect(sink.events).toHaveLength(0);
  });
});
