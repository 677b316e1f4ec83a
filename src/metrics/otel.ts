/**
 * @module canon/metrics/otel
 * The OpenTelemetry side: the same histograms, counters and gauges recorded through
 * `@opentelemetry/api`'s MeterProvider — the one given, else the global one, looked up
 * again whenever it changes (an SDK registered after `canonMetrics()` is picked up). The
 * API is loaded only if it is installed (prom-client depends on it); without it, or
 * without a registered SDK, nothing is exported this way.
 */
import { createRequire } from 'node:module';
import type { Counter, Histogram, Meter, MeterProvider } from '@opentelemetry/api';
import type { GaugeReader } from './gauges.js';
import { GAUGES } from './gauges.js';
import { DURATIONS, type DurationMetric, ERRORS } from './instruments.js';
import { DURATION_BUCKETS } from './names.js';

type Api = typeof import('@opentelemetry/api');

/** A MeterProvider (`@opentelemetry/sdk-metrics`' or any other). */
export interface MeterProviderLike {
  getMeter(name: string, version?: string): unknown;
}

/** @internal The instruments of one MeterProvider. */
export interface OtelInstruments {
  durations: Map<DurationMetric, Histogram>;
  errors: Counter;
  collapsed: Counter;
}

function loadApi(): Api | undefined {
  try {
    return createRequire(import.meta.url)('@opentelemetry/api') as Api;
  } catch {
    return undefined;
  }
}

export const COLLAPSED = {
  name: 'canon.metrics.series_collapsed',
  description: 'Events recorded into the `other` series because their metric reached maxSeries',
};

function build(meter: Meter, gauges: GaugeReader): OtelInstruments {
  const durations = new Map<DurationMetric, Histogram>();
  for (const metric of DURATIONS) {
    durations.set(
      metric,
      meter.createHistogram(metric.name, {
        unit: 's',
        description: metric.description,
        advice: { explicitBucketBoundaries: [...DURATION_BUCKETS] },
      }),
    );
  }
  for (const spec of GAUGES) {
    meter.createObservableGauge(spec.name, { unit: spec.unit, description: spec.description }).addCallback(
      async (result) => {
        for (const reading of await gauges.read()) {
          if (reading.gauge === spec.name) result.observe(reading.value, { name: reading.name });
        }
      },
    );
  }
  return {
    durations,
    errors: meter.createCounter(ERRORS.name, { unit: '{error}', description: ERRORS.description }),
    collapsed: meter.createCounter(COLLAPSED.name, { unit: '{event}', description: COLLAPSED.description }),
  };
}

/**
 * @internal Resolves the instruments to record into: those of `explicit`, else of the
 * global MeterProvider (rebuilt when it changes), else none.
 *
 * @example
 * const otel = createOtelMetrics(undefined, gauges);
 * otel()?.errors.add(1, { kind: 'http', 'error.type': '503' });
 */
export function createOtelMetrics(
  explicit: MeterProviderLike | undefined,
  gauges: GaugeReader,
): () => OtelInstruments | undefined {
  const api = explicit ? undefined : loadApi();
  if (!explicit && !api) return () => undefined;
  let provider: MeterProvider | undefined;
  let instruments: OtelInstruments | undefined;
  return function otelInstruments() {
    const current = (explicit as MeterProvider | undefined) ?? api!.metrics.getMeterProvider();
    if (current !== provider) {
      provider = current;
      instruments = build(current.getMeter('canon'), gauges);
    }
    return instruments;
  };
}
