// Charts over uPlot (shipped with the page as assets/uplot.js, a global `uPlot`).
// lineChart: several series over time on one or two y scales; barChart: a histogram.

function widthOf(container) {
  return Math.max(320, container.clientWidth || 800);
}

function attach(container, options, data) {
  const plot = new uPlot({ ...options, width: widthOf(container), height: 220 }, data, container);
  const observer = new ResizeObserver(() => plot.setSize({ width: widthOf(container), height: 220 }));
  observer.observe(container);
  return {
    setData: (next) => plot.setData(next),
    destroy() {
      observer.disconnect();
      plot.destroy();
    },
  };
}

/** series: [{ label, scale, stroke }], axes: [{ scale, label, side? }]; data: [xs (s), ...ys]. */
export function lineChart(container, { series, axes, time = true }) {
  const scales = { x: { time } };
  for (const axis of axes) scales[axis.scale] = { auto: true, range: (_u, min, max) => [0, Math.max(max, 1)] };
  return attach(container, {
    scales,
    series: [{}, ...series.map((s) => ({ ...s, width: 1.5, spanGaps: false, points: { show: false } }))],
    axes: [{}, ...axes.map((a, i) => ({ scale: a.scale, label: a.label, side: a.side ?? 3, grid: { show: i === 0 } }))],
  }, [[], ...series.map(() => [])]);
}

/** A bar chart of ys over xs (bin starts, times when `time`, or the indexes of `labels`). */
export function barChart(container, { label, time = false, labels }) {
  const x = labels
    ? { scale: { time: false, range: () => [-0.5, labels.length - 0.5] }, axis: { splits: () => labels.map((_, i) => i), values: (_u, splits) => splits.map((i) => labels[i] ?? '') } }
    : { scale: { time }, axis: {} };
  return attach(container, {
    scales: { x: x.scale, y: { auto: true, range: (_u, _min, max) => [0, Math.max(max, 1)] } },
    series: [{}, { label, scale: 'y', stroke: '#4c8dff', fill: 'rgba(76,141,255,0.35)', paths: uPlot.paths.bars({ size: [0.9, 80] }), points: { show: false } }],
    axes: [x.axis, { scale: 'y' }],
  }, [[], []]);
}
