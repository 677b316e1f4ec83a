/**
 * @module canon/metrics/prometheus
 * The Prometheus side, on prom-client: one histogram per duration metric, the error and
 * collapsed-series counters and the gauges, registered in a prom-client `Registry`
 * (Canon's own, or yours, so Canon's series sit beside your metrics on one endpoint).
 * prom-client does the histograms and the text exposition format.
 */
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import { invalidOption } from '../core/errors.js';
import { DURATION_BUCKETS, labelName, prometheusName } from './names.js';
import type { DurationMetric } from './instruments.js';

/** A gauge family: its OTel name, unit and description. */
export interface GaugeSpec {
  name: string;
  unit: string;
  description: string;
}

function register<T>(option: string, create: () => T): T {
  try {
    return create();
  } catch (error) {
    // prom-client refuses a second metric of the same name in one registry
    throw invalidOption(option, `${(error as Error).message}: use one canonMetrics() per registry`);
  }
}

/**
 * @internal A prom-client histogram for `metric`, in seconds with OTel's buckets.
 *
 * @example
 * const histogram = promHistogram(registry, HTTP); // http_server_request_duration_seconds
 */
export function promHistogram(registry: Registry, metric: DurationMetric, buckets = DURATION_BUCKETS): Histogram {
  return register(
    'canonMetrics.registry',
    () =>
      new Histogram({
        name: prometheusName(metric.name, 's', 'histogram'),
        help: `${metric.description} (${metric.name}, seconds)`,
        labelNames: metric.attributes.map(labelName),
        buckets: [...buckets],
        registers: [registry],
      }),
  );
}

/**
 * @internal A prom-client counter named from an OTel counter.
 *
 * @example
 * const errors = promCounter(registry, 'canon.errors', '{error}', 'Units that ended in error', ['kind', 'error.type']);
 */
export function promCounter(
  registry: Registry,
  name: string,
  unit: string,
  description: string,
  attributes: readonly string[],
): Counter {
  return register(
    'canonMetrics.registry',
    () =>
      new Counter({
        name: prometheusName(name, unit, 'counter'),
        help: `${description} (${name})`,
        labelNames: attributes.map(labelName),
        registers: [registry],
      }),
  );
}

/**
 * @internal A prom-client gauge whose value is read at scrape time by `collect`.
 *
 * @example
 * promGauge(registry, { name: 'canon.sse.clients', unit: '{client}', description: 'Open SSE streams' }, read);
 */
export function promGauge(
  registry: Registry,
  spec: GaugeSpec,
  collect: (gauge: Gauge) => Promise<void>,
): Gauge {
  return register(
    'canonMetrics.registry',
    () =>
      new Gauge({
        name: prometheusName(spec.name, spec.unit, 'gauge'),
        help: `${spec.description} (${spec.name})`,
        labelNames: ['name'],
        registers: [registry],
        async collect() {
          await collect(this);
        },
      }),
  );
}
