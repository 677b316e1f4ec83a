/**
 * @module canon/metrics/names
 * OpenTelemetry metric and attribute names, and their Prometheus names by OTel's
 * Prometheus conversion: characters outside `[a-zA-Z0-9_:]` become `_`, the unit is
 * appended in words (`s` → `_seconds`; annotations like `{request}` are dropped), and
 * counters end in `_total`.
 */

/** OTel's default buckets for `http.server.request.duration` (seconds), used for every duration. */
export const DURATION_BUCKETS: readonly number[] = [
  0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10,
];

const UNIT_WORDS: Record<string, string> = { s: 'seconds', ms: 'milliseconds', By: 'bytes', '1': 'ratio' };

function sanitize(name: string): string {
  return name.replace(/[^a-zA-Z0-9_:]/g, '_').replace(/__+/g, '_');
}

/**
 * The Prometheus name of an OTel metric.
 *
 * @example
 * prometheusName('http.server.request.duration', 's', 'histogram') // 'http_server_request_duration_seconds'
 * prometheusName('canon.errors', '{error}', 'counter')             // 'canon_errors_total'
 */
export function prometheusName(name: string, unit: string, type: 'histogram' | 'counter' | 'gauge'): string {
  let out = sanitize(name);
  const word = unit.startsWith('{') ? undefined : UNIT_WORDS[unit];
  if (word && !out.endsWith(`_${word}`)) out += `_${word}`;
  if (type === 'counter' && !out.endsWith('_total')) out += '_total';
  return out;
}

/**
 * The Prometheus label name of an OTel attribute.
 *
 * @example
 * labelName('http.response.status_code') // 'http_response_status_code'
 */
export function labelName(attribute: string): string {
  return sanitize(attribute);
}
