/**
 * Draws the soak's samples as an SVG (four small line charts over time: heap and RSS,
 * event-loop delay p99, handles/timers/listeners, SSE clients) and renders it to PNG with
 * resvg (@resvg/resvg-js, a dev dependency).
 */
import { Resvg } from '@resvg/resvg-js';
import type { Sample } from './analyze.js';

interface Series {
  label: string;
  color: string;
  values: number[];
}

const W = 900;
const H = 220;
const PAD = { left: 60, right: 170, top: 28, bottom: 30 };

function chart(title: string, times: number[], series: Series[], offsetY: number): string {
  const all = series.flatMap((s) => s.values);
  const top = Math.max(1e-9, ...all) * 1.1;
  const tMax = Math.max(...times, 1);
  const x = (t: number) => PAD.left + (t / tMax) * (W - PAD.left - PAD.right);
  const y = (v: number) => offsetY + PAD.top + (1 - v / top) * (H - PAD.top - PAD.bottom);
  const lines = series.map((s, i) => {
    const points = s.values.map((v, j) => `${x(times[j]).toFixed(1)},${y(v).toFixed(1)}`).join(' ');
    const legendY = offsetY + PAD.top + 14 + i * 18;
    return `<polyline fill="none" stroke="${s.color}" stroke-width="2" points="${points}"/>
      <rect x="${W - PAD.right + 12}" y="${legendY - 9}" width="12" height="3" fill="${s.color}"/>
      <text x="${W - PAD.right + 30}" y="${legendY - 4}" font-size="12">${s.label}</text>`;
  });
  const ticks = [0, 0.5, 1].map((f) => {
    const v = top * f;
    return `<text x="${PAD.left - 6}" y="${y(v) + 4}" font-size="11" text-anchor="end">${v.toFixed(v < 10 ? 1 : 0)}</text>
      <line x1="${PAD.left}" x2="${W - PAD.right}" y1="${y(v)}" y2="${y(v)}" stroke="#ddd"/>`;
  });
  const bottom = offsetY + H - PAD.bottom;
  return `<text x="${PAD.left}" y="${offsetY + 18}" font-size="14" font-weight="bold">${title}</text>
    ${ticks.join('')}
    <line x1="${PAD.left}" x2="${W - PAD.right}" y1="${bottom}" y2="${bottom}" stroke="#333"/>
    <text x="${W - PAD.right}" y="${bottom + 18}" font-size="11" text-anchor="end">${Math.round(tMax / 1000)} s</text>
    <text x="${PAD.left}" y="${bottom + 18}" font-size="11">0 s</text>
    ${lines.join('')}`;
}

/** The SVG of `samples` (the final, after-load sample excluded). */
export function soakSvg(samples: Sample[], heading: string): string {
  const during = samples.slice(0, -1);
  const times = during.map((s) => s.t);
  const charts = [
    chart('Memory (MB, after GC)', times, [
      { label: 'RSS', color: '#d62728', values: during.map((s) => s.rss_mb) },
      { label: 'heap used', color: '#1f77b4', values: during.map((s) => s.heap_mb) },
      { label: 'external', color: '#9467bd', values: during.map((s) => s.external_mb) },
    ], 40),
    chart('Event-loop delay (ms)', times, [
      { label: 'p99', color: '#2ca02c', values: during.map((s) => s.eld_p99_ms) },
    ], 40 + H),
    chart('Handles, timers, listeners', times, [
      { label: 'active handles', color: '#ff7f0e', values: during.map((s) => s.handles) },
      { label: 'timers', color: '#8c564b', values: during.map((s) => s.timers) },
      { label: 'listeners', color: '#17becf', values: during.map((s) => s.listeners) },
      { label: 'SSE clients', color: '#e377c2', values: during.map((s) => s.sse_clients) },
    ], 40 + 2 * H),
  ];
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${40 + 3 * H}" font-family="DejaVu Sans, sans-serif">
    <rect width="100%" height="100%" fill="white"/>
    <text x="${PAD.left}" y="24" font-size="16">${heading}</text>
    ${charts.join('\n')}
  </svg>`;
}

/** PNG bytes of `svg`. */
export function toPng(svg: string): Buffer {
  return Buffer.from(new Resvg(svg, { font: { loadSystemFonts: true, defaultFontFamily: 'DejaVu Sans' } }).render().asPng());
}
