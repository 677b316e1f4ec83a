// The Query page: SQL over the events (a table named `events`, DuckDB, as `canon query`),
// results as a table, and a chart of a chosen column: a histogram, or the column by
// another one (over time when that one holds times).
import { barChart } from './chart.js';
import { api, el, problem, table } from './util.js';

const EXAMPLES = {
  'latency by route': `SELECT route, count(*) AS requests,
  round(quantile_cont(duration_ms, 0.5), 1) AS p50_ms,
  round(quantile_cont(duration_ms, 0.99), 1) AS p99_ms
FROM events WHERE kind = 'http'
GROUP BY route ORDER BY requests DESC`,
  'failed units': `SELECT timestamp, kind, route, status_code, error.type AS error_type, error.message AS error, trace_id
FROM events WHERE outcome <> 'success'
ORDER BY timestamp DESC LIMIT 100`,
  'requests per minute': `SELECT date_trunc('minute', CAST(timestamp AS TIMESTAMP)) AS minute, count(*) AS requests
FROM events WHERE kind = 'http'
GROUP BY minute ORDER BY minute`,
  'durations': `SELECT duration_ms FROM events WHERE kind = 'http'`,
};

let lastSql = EXAMPLES['latency by route'];

const isNumber = (v) => typeof v === 'number' || (typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v)));
const isTime = (v) => typeof v === 'string' && /^\d{4}-\d\d-\d\d[T ]\d\d:\d\d/.test(v);

function histogram(values, bins = 20) {
  const min = Math.min(...values);
  const max = Math.max(...values);
  const width = max > min ? (max - min) / bins : 1;
  const counts = new Array(bins).fill(0);
  for (const v of values) counts[Math.min(bins - 1, Math.floor((v - min) / width))]++;
  return [counts.map((_, i) => min + i * width), counts];
}

function drawChart(box, result, xName, yName) {
  box.replaceChildren();
  if (!yName) return undefined;
  const ys = result.rows.map((r) => Number(r[yName]));
  if (!xName) {
    const values = ys.filter(Number.isFinite);
    if (values.length === 0) return undefined;
    const chart = barChart(box, { label: `${yName} (count)` });
    chart.setData(histogram(values));
    return chart;
  }
  const raw = result.rows.map((r) => r[xName]);
  const time = raw.every(isTime);
  const numeric = !time && raw.every(isNumber);
  const xs = time ? raw.map((v) => Date.parse(v.replace(' ', 'T')) / 1000) : numeric ? raw.map(Number) : raw.map((_, i) => i);
  const order = xs.map((_, i) => i).sort((a, b) => xs[a] - xs[b]);
  const labels = time || numeric ? undefined : raw.map((v) => String(v ?? ''));
  const chart = barChart(box, { label: yName, time, labels });
  chart.setData([order.map((i) => xs[i]), order.map((i) => ys[i])]);
  return chart;
}

export function mount(view) {
  const sql = el('textarea', { class: 'sql', spellcheck: 'false', rows: 7, 'aria-label': 'SQL' });
  sql.value = lastSql;
  const run = el('button', { class: 'primary' }, 'Run');
  const summary = el('span', { class: 'muted summary' });
  const examples = el('select', { 'aria-label': 'examples' }, el('option', { value: '' }, 'examples…'), Object.keys(EXAMPLES).map((k) => el('option', { value: k }, k)));
  const xSelect = el('select', { 'aria-label': 'chart x' });
  const ySelect = el('select', { 'aria-label': 'chart column' });
  const chartBox = el('div', { class: 'chart' });
  const results = el('div', { class: 'results' });
  view.append(
    el('p', { class: 'muted' }, 'SQL over the events as a table named ', el('code', {}, 'events'), ' (DuckDB). Nested fields: ', el('code', {}, 'user.id'), '.'),
    sql,
    el('div', { class: 'toolbar' }, run, examples, summary, el('span', { class: 'spacer' }), 'chart ', ySelect, ' by ', xSelect),
    chartBox,
    results,
  );
  let result;
  let chart;
  function redraw() {
    chart?.destroy();
    chart = result ? drawChart(chartBox, result, xSelect.value, ySelect.value) : undefined;
  }
  async function execute() {
    lastSql = sql.value;
    run.disabled = true;
    summary.textContent = 'running…';
    const started = performance.now();
    try {
      result = await api('api/query', { sql: sql.value });
      summary.textContent = `${result.rows.length} row${result.rows.length === 1 ? '' : 's'} in ${Math.round(performance.now() - started)} ms`;
      const numeric = result.columns.filter((c) => result.rows.length > 0 && result.rows.every((r) => r[c] === null || isNumber(r[c])));
      ySelect.replaceChildren(el('option', { value: '' }, '(none)'), ...numeric.map((c) => el('option', { value: c }, c)));
      xSelect.replaceChildren(el('option', { value: '' }, '(histogram)'), ...result.columns.map((c) => el('option', { value: c }, c)));
      ySelect.value = numeric.at(-1) ?? '';
      const timeColumn = result.columns.find((c) => result.rows.length > 0 && result.rows.every((r) => isTime(r[c])));
      xSelect.value = timeColumn ?? (numeric.length < result.columns.length ? result.columns.find((c) => !numeric.includes(c)) ?? '' : '');
      results.replaceChildren(table(result.columns, result.rows));
    } catch (error) {
      result = undefined;
      summary.textContent = '';
      results.replaceChildren(problem(error));
    } finally {
      run.disabled = false;
    }
    redraw();
  }
  run.addEventListener('click', execute);
  sql.addEventListener('keydown', (e) => {
    if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) execute();
  });
  examples.addEventListener('change', () => {
    if (!examples.value) return;
    sql.value = EXAMPLES[examples.value];
    examples.value = '';
    execute();
  });
  xSelect.addEventListener('change', redraw);
  ySelect.addEventListener('change', redraw);
  execute();
  return () => chart?.destroy();
}
