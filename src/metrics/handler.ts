/**
 * @module canon/metrics/handler
 * `metricsHandler(metrics)`: the Prometheus scrape endpoint as a node:http request
 * listener, usable as an Express, Koa (`ctx.req`/`ctx.res`) or plain node:http handler.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { CanonMetrics } from './plugin.js';

/**
 * A request listener answering with the Prometheus text exposition of `metrics`.
 *
 * @example
 * import { canonMetrics, metricsHandler } from 'canon/metrics';
 * const metrics = canonMetrics();
 * app.get('/metrics', metricsHandler(metrics));
 * // or: http.createServer(metricsHandler(metrics)).listen(9464);
 */
export function metricsHandler(metrics: CanonMetrics): (req: IncomingMessage, res: ServerResponse) => void {
  return function canonMetricsHandler(_req, res) {
    metrics.scrape().then(
      (text) => {
        res.statusCode = 200;
        res.setHeader('content-type', metrics.registry.contentType);
        res.end(text);
      },
      (error: unknown) => {
        res.statusCode = 500;
        res.setHeader('content-type', 'text/plain; charset=utf-8');
        res.end(`# metrics collection failed: ${(error as Error)?.message ?? String(error)}\n`);
      },
    );
  };
}
