/**
 * A strict parser of the Prometheus text exposition format (version 0.0.4), written from
 * the format's specification for the tests, since no maintained parser exists on npm
 * (parse-prometheus-text-format merges labelled histogram series). It refuses what a
 * Prometheus server would: a malformed line, a sample before its family's TYPE or of
 * another family, a bad metric or label name, a bad escape, a repeated series; and for
 * histograms: buckets not cumulative, no `+Inf` bucket, `+Inf` not equal to `_count`.
 */

export interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

export interface Family {
  name: string;
  type: 'counter' | 'gauge' | 'histogram' | 'summary' | 'untyped';
  help: string;
  samples: Sample[];
}

const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

function fail(line: number, message: string): never {
  throw new Error(`exposition line ${line}: ${message}`);
}

function parseValue(text: string, line: number): number {
  if (text === '+Inf') return Number.POSITIVE_INFINITY;
  if (text === '-Inf') return Number.NEGATIVE_INFINITY;
  if (text === 'NaN') return Number.NaN;
  if (!/^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(text)) fail(line, `bad value ${JSON.stringify(text)}`);
  return Number(text);
}

function parseLabels(text: string, line: number): { labels: Record<string, string>; rest: string } {
  const labels: Record<string, string> = {};
  let i = 0;
  for (;;) {
    while (text[i] === ' ') i++;
    if (text[i] === '}') return { labels, rest: text.slice(i + 1) };
    const eq = text.indexOf('=', i);
    if (eq === -1) fail(line, 'label without =');
    const name = text.slice(i, eq).trim();
    if (!LABEL_NAME.test(name)) fail(line, `bad label name ${JSON.stringify(name)}`);
    if (name in labels) fail(line, `label ${name} repeated`);
    if (text[eq + 1] !== '"') fail(line, `label ${name}: value not quoted`);
    let value = '';
    let j = eq + 2;
    for (; j < text.length && text[j] !== '"'; j++) {
      if (text[j] !== '\\') {
        value += text[j];
        continue;
      }
      const escaped = text[++j];
      if (escaped === 'n') value += '\n';
      else if (escaped === '\\' || escaped === '"') value += escaped;
      else fail(line, `bad escape \\${escaped}`);
    }
    if (j >= text.length) fail(line, `label ${name}: unterminated value`);
    labels[name] = value;
    i = j + 1;
    if (text[i] === ',') i++;
    else if (text[i] !== '}') fail(line, `unexpected ${JSON.stringify(text[i])} after label ${name}`);
  }
}

function parseSample(text: string, line: number): Sample {
  const brace = text.indexOf('{');
  const space = text.indexOf(' ');
  const nameEnd = brace !== -1 && (space === -1 || brace < space) ? brace : space;
  if (nameEnd === -1) fail(line, 'sample without value');
  const name = text.slice(0, nameEnd);
  if (!METRIC_NAME.test(name)) fail(line, `bad metric name ${JSON.stringify(name)}`);
  let labels: Record<string, string> = {};
  let rest = text.slice(nameEnd);
  if (rest.startsWith('{')) ({ labels, rest } = parseLabels(rest.slice(1), line));
  const parts = rest.trim().split(/\s+/);
  if (parts.length < 1 || parts.length > 2 || parts[0] === '') fail(line, 'expected a value and an optional timestamp');
  if (parts[1] !== undefined && !/^-?\d+$/.test(parts[1])) fail(line, 'bad timestamp');
  return { name, labels, value: parseValue(parts[0], line) };
}

function sampleNames(family: Family): string[] {
  if (family.type === 'histogram') return ['_bucket', '_sum', '_count'].map((suffix) => family.name + suffix);
  if (family.type === 'summary') return [family.name, `${family.name}_sum`, `${family.name}_count`];
  return [family.name];
}

function seriesKey(sample: Sample): string {
  return `${sample.name}{${Object.keys(sample.labels).sort().map((k) => `${k}=${JSON.stringify(sample.labels[k])}`).join(',')}}`;
}

function checkHistogram(family: Family): void {
  const groups = new Map<string, { buckets: [number, number][]; count?: number }>();
  for (const sample of family.samples) {
    const { le, ...rest } = sample.labels;
    const key = JSON.stringify(Object.entries(rest).sort());
    const group = groups.get(key) ?? { buckets: [] };
    groups.set(key, group);
    if (sample.name.endsWith('_bucket')) {
      if (le === undefined) throw new Error(`${family.name}: bucket without le`);
      group.buckets.push([parseValue(le, 0), sample.value]);
    } else if (sample.name.endsWith('_count')) group.count = sample.value;
  }
  for (const [key, { buckets, count }] of groups) {
    for (let i = 1; i < buckets.length; i++) {
      if (!(buckets[i][0] > buckets[i - 1][0])) throw new Error(`${family.name} ${key}: le not increasing`);
      if (buckets[i][1] < buckets[i - 1][1]) throw new Error(`${family.name} ${key}: buckets not cumulative`);
    }
    const last = buckets.at(-1);
    if (!last || last[0] !== Number.POSITIVE_INFINITY) throw new Error(`${family.name} ${key}: no +Inf bucket`);
    if (last[1] !== count) throw new Error(`${family.name} ${key}: +Inf bucket ${last[1]} != _count ${count}`);
  }
}

/**
 * Parses a scrape into its families by name; throws on anything a Prometheus server would
 * refuse.
 *
 * @example
 * const families = parseExposition(await (await fetch(`${url}/metrics`)).text());
 */
export function parseExposition(text: string): Map<string, Family> {
  const families = new Map<string, Family>();
  const seen = new Set<string>();
  let current: Family | undefined;
  text.split('\n').forEach((raw, index) => {
    const line = index + 1;
    if (raw.trim() === '') return;
    const meta = /^#\s+(HELP|TYPE)\s+(\S+)(?:\s+(.*))?$/.exec(raw);
    if (meta) {
      const [, what, name, rest = ''] = meta;
      if (!METRIC_NAME.test(name)) fail(line, `bad metric name ${name}`);
      let family = families.get(name);
      if (!family) {
        family = { name, type: 'untyped', help: '', samples: [] };
        families.set(name, family);
      } else if (family.samples.length > 0) fail(line, `${what} of ${name} after its samples`);
      if (what === 'HELP') family.help = rest;
      else {
        if (!['counter', 'gauge', 'histogram', 'summary', 'untyped'].includes(rest)) fail(line, `bad TYPE ${rest}`);
        family.type = rest as Family['type'];
      }
      current = family;
      return;
    }
    if (raw.startsWith('#')) return; // a comment
    const sample = parseSample(raw, line);
    if (!current || !sampleNames(current).includes(sample.name)) {
      fail(line, `sample ${sample.name} outside its family (current: ${current?.name ?? 'none'})`);
    }
    const key = seriesKey(sample);
    if (seen.has(key)) fail(line, `series ${key} repeated`);
    seen.add(key);
    current.samples.push(sample);
  });
  for (const family of families.values()) if (family.type === 'histogram') checkHistogram(family);
  return families;
}

/**
 * The value of one series, or undefined.
 *
 * @example
 * value(families, 'http_server_request_duration_seconds_count', { http_route: '/users/:id' })
 */
export function valueOf(
  families: Map<string, Family>,
  sampleName: string,
  labels: Record<string, string>,
): number | undefined {
  for (const family of families.values()) {
    for (const sample of family.samples) {
      if (sample.name !== sampleName) continue;
      const keys = Object.keys(sample.labels).filter((key) => key !== 'le' || 'le' in labels);
      if (keys.length === Object.keys(labels).length && keys.every((key) => sample.labels[key] === labels[key])) {
        return sample.value;
      }
    }
  }
  return undefined;
}
