/**
 * @module canon/read/trace/waterfall
 * A trace tree as a terminal waterfall: one row per event, indented by depth, with its
 * duration and a bar placed and sized in proportion to the whole trace.
 *
 * ```
 * trace 4bf92f…4736 · 4 events · 2 services · 812ms
 * checkout http POST /checkout 201          812ms |████████████████████████████████|
 *   checkout outbox order.placed → orders    12ms |        █                       |
 *     billing message order.placed ← billing 40ms |          ██                    |
 * ! payments http POST /charge (parent missing) 30ms |    █                       |
 * ```
 */
import { COLORS, NO_COLORS, type Palette } from '../pretty/colors.js';
import { unitName, unitStatus } from '../pretty/head.js';
import { cut, formatDuration, textAt } from '../pretty/values.js';
import type { TraceNode, TraceTree } from './tree.js';

export interface WaterfallOptions {
  /** Total width in columns (default 100). */
  width?: number;
  colors?: boolean;
}

const MIN_BAR = 10;

function label(node: TraceNode): string {
  const { event } = node;
  const parts = [textAt(event, 'service') ?? '?', textAt(event, 'kind') ?? '?', unitName(event)];
  const status = unitStatus(event);
  if (status !== undefined) parts.push(String(status));
  if (event.outcome === 'error' || event.outcome === 'aborted') parts.push(String(event.outcome));
  if (node.via?.host) parts.push(`(via ${node.via.method ?? 'call'} ${node.via.host})`);
  if (node.missingParent) parts.push('(parent missing)');
  return parts.filter(Boolean).join(' ');
}

function bar(node: TraceNode, total: number, width: number): string {
  const from = total > 0 ? Math.min(width - 1, Math.floor((node.offset / total) * width)) : 0;
  const length = total > 0 ? Math.max(1, Math.round((node.duration / total) * width)) : width;
  const span = Math.min(length, width - from);
  return `${' '.repeat(from)}${'█'.repeat(span)}${' '.repeat(width - from - span)}`;
}

function paintLabel(node: TraceNode, text: string, paint: Palette): string {
  if (node.event.outcome === 'error') return paint.red(text);
  if (node.missingParent) return paint.yellow(text);
  return text;
}

/**
 * Renders `tree` as text lines (no trailing newline).
 *
 * @example
 * console.log(renderWaterfall(traceTree(events, id), { width: process.stdout.columns }));
 */
export function renderWaterfall(tree: TraceTree, options: WaterfallOptions = {}): string {
  const paint = options.colors ? COLORS : NO_COLORS;
  const width = Math.max(40, options.width ?? 100);
  const total = tree.end - tree.start;
  const labels = tree.nodes.map((node) => `${node.missingParent ? '! ' : ''}${'  '.repeat(node.depth)}${label(node)}`);
  const durations = tree.nodes.map((node) => formatDuration(node.duration));
  const durationWidth = Math.max(0, ...durations.map((d) => d.length));
  const barWidth = Math.max(MIN_BAR, Math.floor(width * 0.4));
  const labelWidth = Math.max(10, width - barWidth - durationWidth - 4);
  const header = [
    `trace ${tree.traceId}`,
    `${tree.nodes.length} event${tree.nodes.length === 1 ? '' : 's'}`,
    `${tree.services.length} service${tree.services.length === 1 ? '' : 's'}`,
    formatDuration(total),
  ].join(' · ');
  const rows = tree.nodes.map((node, i) => {
    const text = paintLabel(node, cut(labels[i], labelWidth).padEnd(labelWidth), paint);
    return `${text} ${durations[i].padStart(durationWidth)} ${paint.dim('|')}${paint.cyan(bar(node, total, barWidth))}${paint.dim('|')}`;
  });
  return [paint.bold(header), ...rows].join('\n');
}
