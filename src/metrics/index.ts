/**
 * @module canon/metrics
 * Metrics from wide events, counted before sampling: `canonMetrics()` is a plugin that
 * records every finalized event into duration histograms (`http.server.request.duration`
 * and its peers for messages, outbox publishes, webhook deliveries and jobs) and error
 * counters, with gauges read from the outbox, webhooks, SSE hub and consumer stats.
 * Exported through prom-client (`metricsHandler`) and the OpenTelemetry MeterProvider.
 * Needs the `prom-client` package.
 */
export type { WatchSources } from './gauges.js';
export { metricsHandler } from './handler.js';
export type { MeterProviderLike } from './otel.js';
export { type CanonMetrics, type CanonMetricsOptions, canonMetrics } from './plugin.js';
