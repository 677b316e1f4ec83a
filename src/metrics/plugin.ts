/**
 * @module canon/metrics/plugin
 * `canonMetrics()`: a plugin that turns every finalized event into metrics — before
 * sampling and validation, so sampled-out and invalid events are counted too. It reads
 * the redacted copy (what the sinks would get, so a redacted field never becomes a label)
 * and records into prom-client (for `metricsHandler`) and, when one is registered, the
 * OpenTelemetry MeterProvider.
 */
import { type Counter as PromCounter, type Histogram as PromHistogram, Registry } from 'prom-client';
import type { CanonPlugin } from '../core/config.js';
import { describe, invalidOption } from '../core/errors.js';
import { integerOption, rejectUnknownOptions } from '../core/option-checks.js';
import { type Fields, isPlainObject } from '../core/paths.js';
import { GAUGES, GaugeReader, type WatchSources } from './gauges.js';
import { DURATIONS, type DurationMetric, durationMetricOf, ERRORS, errorType } from './instruments.js';
import { COLLAPSED, createOtelMetrics, type MeterProviderLike } from './otel.js';
import { promCounter, promGauge, promHistogram } from './prometheus.js';
import { type Series, SeriesTable } from './series.js';

export interface CanonMetricsOptions {
  /** Most distinct attribute sets per metric (default 2 000); beyond, events go to the `other` series. */
  maxSeries?: number;
  /** The prom-client registry to register in (default: a new one, `metrics.registry`). */
  registry?: Registry;
  /** Record through this MeterProvider instead of the global one; `false`: no OpenTelemetry. */
  meterProvider?: MeterProviderLike | false;
}

/** The plugin, with its registry and gauge sources. */
export interface CanonMetrics extends CanonPlugin {
  /** The prom-client registry holding Canon's metrics. */
  readonly registry: Registry;
  /** The Prometheus text exposition of the registry. */
  scrape(): Promise<string>;
  /**
   * Adds gauges read from these sources' `stats()` at each collection; returns a function
   * that stops watching them.
   */
  watch(sources: WatchSources): () => void;
  /** Events recorded into an `other` series so far, by metric. */
  collapsed(): Record<string, number>;
}

const KNOWN = ['maxSeries', 'registry', 'meterProvider'];

function checkOptions(options: unknown): CanonMetricsOptions {
  if (options === undefined) return {};
  if (!isPlainObject(options)) throw invalidOption('canonMetrics(options)', `expected an object, got ${describe(options)}`);
  rejectUnknownOptions(options, KNOWN, 'canonMetrics.');
  const { registry, meterProvider } = options as CanonMetricsOptions;
  if (registry !== undefined && !(registry instanceof Registry)) {
    throw invalidOption('canonMetrics.registry', `expected a prom-client Registry, got ${describe(registry)}`);
  }
  if (meterProvider !== undefined && meterProvider !== false && typeof meterProvider?.getMeter !== 'function') {
    throw invalidOption('canonMetrics.meterProvider', `expected a MeterProvider or false, got ${describe(meterProvider)}`);
  }
  return options as CanonMetricsOptions;
}

/**
 * Creates the metrics plugin. Add it to `createCanon({ plugins })` and serve
 * `metricsHandler(metrics)`.
 *
 * @example
 * import { createCanon } from 'canon';
 * import { canonMetrics, metricsHandler } from 'canon/metrics';
 * const metrics = canonMetrics({ maxSeries: 1_000 });
 * const canon = createCanon({ plugins: [metrics], sample: { rate: 0.01 } });
 * app.get('/metrics', metricsHandler(metrics));
 */
export function canonMetrics(options?: CanonMetricsOptions): CanonMetrics {
  const { registry = new Registry(), meterProvider } = checkOptions(options);
  const maxSeries = integerOption(options?.maxSeries, 'canonMetrics.maxSeries', 2_000, { min: 1 });
  const gauges = new GaugeReader();
  const otel = meterProvider === false ? () => undefined : createOtelMetrics(meterProvider, gauges);
  const collapsedCounter = promCounter(registry, COLLAPSED.name, '{event}', COLLAPSED.description, ['metric']);
  const collapsedCounts: Record<string, number> = {};

  function collapsed(metric: string): () => void {
    return () => {
      collapsedCounts[metric] = (collapsedCounts[metric] ?? 0) + 1;
      collapsedCounter.inc({ metric });
      otel()?.collapsed.add(1, { metric });
    };
  }

  function table<H>(name: string, attributes: readonly string[], handle: (labels: Fields) => H): SeriesTable<H> {
    return new SeriesTable(attributes, maxSeries, handle as never, collapsed(name));
  }

  const durations = new Map<DurationMetric, SeriesTable<ReturnType<PromHistogram['labels']>>>();
  for (const metric of DURATIONS) {
    const histogram = promHistogram(registry, metric);
    durations.set(metric, table(metric.name, metric.attributes, (labels) => histogram.labels(labels as never)));
  }
  const errorCounter = promCounter(registry, ERRORS.name, '{error}', ERRORS.description, ERRORS.attributes);
  const errors = table(ERRORS.name, ERRORS.attributes, (labels) => errorCounter.labels(labels as never));
  for (const spec of GAUGES) {
    promGauge(registry, spec, async (gauge) => {
      gauge.reset();
      for (const reading of await gauges.read()) if (reading.gauge === spec.name) gauge.set({ name: reading.name }, reading.value);
    });
  }

  function record(event: Fields): void {
    const instruments = otel();
    const metric = durationMetricOf(event);
    const ms = event.duration_ms;
    if (metric !== undefined && typeof ms === 'number' && ms >= 0 && Number.isFinite(ms)) {
      const series = durations.get(metric)!.resolve(metric.values(event));
      series.handle.observe(ms / 1000);
      instruments?.durations.get(metric)!.record(ms / 1000, series.attributes);
    }
    if (event.outcome === 'error') {
      const series: Series<ReturnType<PromCounter['labels']>> = errors.resolve([
        typeof event.kind === 'string' ? event.kind : undefined,
        errorType(event),
      ]);
      series.handle.inc();
      instruments?.errors.add(1, series.attributes);
    }
  }

  return {
    name: 'canon-metrics',
    registry,
    onFinalize: record,
    scrape: () => registry.metrics(),
    watch: (sources) => gauges.watch(sources),
    collapsed: () => ({ ...collapsedCounts }),
  };
}
