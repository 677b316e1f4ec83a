/**
 * @module canon/metrics/gauges
 * Gauges read from the stats Canon's other parts already keep, at collection time (a
 * Prometheus scrape, an OTel collection): outbox `pending`/`dead`/`lag_ms`, webhook
 * deliveries `pending`/`failed`/`lag_ms`, SSE hub `clients`, consumer `in_flight`. One
 * reading serves every gauge of a collection, so an outbox's `stats()` query runs once
 * per scrape; a source whose `stats()` fails is left out of that reading.
 */
import { describe, invalidOption } from '../core/errors.js';
import { rejectUnknownOptions } from '../core/option-checks.js';
import { isPlainObject } from '../core/paths.js';
import type { GaugeSpec } from './prometheus.js';

/** What `metrics.watch()` accepts: the objects Canon's other parts return. */
export interface WatchSources {
  /** `createOutbox()` or `createRelay()`. */
  outbox?: { readonly table?: string; stats(): Promise<{ pending: number; dead: number; lag_ms: number }> };
  /** `createWebhooks()`. */
  webhooks?: { stats(): Promise<{ pending: number; failed: number; lag_ms: number }> };
  /** `createSseHub()`. */
  sse?: { stats(): { clients: number } };
  /** What `consume()` resolves to. */
  consumer?: { stats(): { in_flight: number } };
  /** The `name` label of these sources' gauges (default: the outbox's table, else `'default'`). */
  name?: string;
}

type Source = Exclude<keyof WatchSources, 'name'>;

interface GaugeDef extends GaugeSpec {
  source: Source;
  value(stats: Record<string, number>): number;
}

export const GAUGES: readonly GaugeDef[] = [
  { name: 'canon.outbox.pending', unit: '{event}', description: 'Outbox events waiting to be published', source: 'outbox', value: (s) => s.pending },
  { name: 'canon.outbox.dead', unit: '{event}', description: 'Outbox events given up after maxAttempts', source: 'outbox', value: (s) => s.dead },
  { name: 'canon.outbox.lag', unit: 's', description: 'Age of the oldest unpublished outbox event', source: 'outbox', value: (s) => s.lag_ms / 1000 },
  { name: 'canon.webhook.pending', unit: '{delivery}', description: 'Webhook deliveries waiting for an attempt', source: 'webhooks', value: (s) => s.pending },
  { name: 'canon.webhook.failed', unit: '{delivery}', description: 'Webhook deliveries that failed for good', source: 'webhooks', value: (s) => s.failed },
  { name: 'canon.webhook.lag', unit: 's', description: 'Age of the oldest undelivered webhook delivery', source: 'webhooks', value: (s) => s.lag_ms / 1000 },
  { name: 'canon.sse.clients', unit: '{client}', description: 'Open server-sent event streams', source: 'sse', value: (s) => s.clients },
  { name: 'canon.consumer.in_flight', unit: '{message}', description: 'Messages being handled', source: 'consumer', value: (s) => s.in_flight },
];

/** One gauge value of one watched group. */
export interface Reading {
  gauge: string;
  name: string;
  value: number;
}

const SOURCES: readonly Source[] = ['outbox', 'webhooks', 'sse', 'consumer'];
/** Readings are shared by the gauges of one collection for this long. */
const SHARED_MS = 250;

function checkSources(sources: unknown): WatchSources {
  if (!isPlainObject(sources)) {
    throw invalidOption('metrics.watch(sources)', `expected { outbox?, webhooks?, sse?, consumer?, name? }, got ${describe(sources)}`);
  }
  rejectUnknownOptions(sources, [...SOURCES, 'name'], 'metrics.watch.');
  for (const source of SOURCES) {
    const value = sources[source] as { stats?: unknown } | undefined;
    if (value !== undefined && (value === null || typeof value.stats !== 'function')) {
      throw invalidOption(`metrics.watch.${source}`, `expected an object with stats(), got ${describe(value)}`);
    }
  }
  if (sources.name !== undefined && (typeof sources.name !== 'string' || sources.name === '')) {
    throw invalidOption('metrics.watch.name', `expected a non-empty string, got ${describe(sources.name)}`);
  }
  if (!SOURCES.some((source) => sources[source] !== undefined)) {
    throw invalidOption('metrics.watch(sources)', 'expected at least one of outbox, webhooks, sse, consumer');
  }
  return sources as WatchSources;
}

/**
 * @internal The watched sources of one `canonMetrics()` and their readings.
 *
 * @example
 * const gauges = new GaugeReader();
 * const stop = gauges.watch({ outbox });
 * await gauges.read(); // [{ gauge: 'canon.outbox.pending', name: 'app.outbox', value: 3 }, ...]
 */
export class GaugeReader {
  private readonly watched = new Set<WatchSources & { name: string }>();
  private shared: { at: number; readings: Promise<Reading[]> } | undefined;

  watch(sources: unknown): () => void {
    const checked = checkSources(sources);
    const entry = { ...checked, name: checked.name ?? checked.outbox?.table ?? 'default' };
    this.watched.add(entry);
    this.shared = undefined;
    return () => {
      this.watched.delete(entry);
      this.shared = undefined;
    };
  }

  /** The current readings (shared for a moment by the gauges of one collection). */
  read(): Promise<Reading[]> {
    const now = Date.now();
    if (this.shared === undefined || now - this.shared.at > SHARED_MS) {
      this.shared = { at: now, readings: this.readAll() };
    }
    return this.shared.readings;
  }

  private async readAll(): Promise<Reading[]> {
    const readings: Reading[] = [];
    await Promise.all(
      [...this.watched].map(async (entry) => {
        await Promise.all(
          SOURCES.map(async (source) => {
            const target = entry[source];
            if (target === undefined) return;
            let stats: Record<string, number>;
            try {
              stats = (await target.stats()) as unknown as Record<string, number>;
            } catch {
              return; // a source that cannot answer (database down) is left out of this reading
            }
            for (const gauge of GAUGES) {
              if (gauge.source !== source) continue;
              const value = gauge.value(stats);
              if (Number.isFinite(value)) readings.push({ gauge: gauge.name, name: entry.name, value });
            }
          }),
        );
      }),
    );
    return readings;
  }
}
