/**
 * @module canon/sse/framing
 * The text/event-stream wire format (WHATWG HTML §9.2): one `id:`, optional `event:`,
 * one `data:` line per line of data, a blank line to dispatch; `:` comments for
 * heartbeats; `retry:` for the reconnection delay.
 */

const LINE_BREAK = /\r\n|\r|\n/;

/** A heartbeat: a comment line, ignored by EventSource but keeping proxies from timing out. */
export const PING = ': ping\n\n';

/**
 * Frames one event. Data with line breaks (`\n`, `\r\n` or `\r`) becomes several `data:`
 * lines, which EventSource joins back with `\n`.
 *
 * @example
 * frameEvent('7', 'order.placed', 'line 1\nline 2')
 * // 'id: 7\nevent: order.placed\ndata: line 1\ndata: line 2\n\n'
 */
export function frameEvent(id: string | undefined, event: string | undefined, data: string): string {
  let frame = id === undefined ? '' : `id: ${id}\n`;
  if (event !== undefined) frame += `event: ${event}\n`;
  if (!LINE_BREAK.test(data)) return `${frame}data: ${data}\n\n`;
  for (const line of data.split(LINE_BREAK)) frame += `data: ${line}\n`;
  return `${frame}\n`;
}

/**
 * The `retry:` field telling EventSource how long to wait before reconnecting.
 *
 * @example
 * frameRetry(3000) // 'retry: 3000\n\n'
 */
export function frameRetry(ms: number): string {
  return `retry: ${ms}\n\n`;
}

/** True when `value` holds a character that would end or corrupt an SSE field line. */
export function hasLineBreak(value: string): boolean {
  return value.includes('\n') || value.includes('\r');
}
