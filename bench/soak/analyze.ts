/**
 * The soak's verdict from its samples: after the warm-up, heap and RSS slopes (least
 * squares, MB/min) under 1 MB/min, no growth in listeners or timers (the highest count in
 * the last third no higher than in the first third), and one HTTP event per request served.
 */
export interface Sample {
  t: number;
  rss_mb: number;
  heap_mb: number;
  external_mb: number;
  eld_p99_ms: number;
  eld_max_ms: number;
  handles: number;
  timers: number;
  listeners: number;
  sse_clients: number;
  served: number;
  emitted: Record<string, number>;
  broker: { published: number; handled: number };
}

export interface Verdict {
  warmupS: number;
  heapSlope: number;
  rssSlope: number;
  checks: { name: string; ok: boolean; detail: string }[];
  /** Whether the memory slopes are judged (a short smoke run only reports them). */
  judgedMemory: boolean;
}

/** Least-squares slope of y over t (ms), in units per minute. */
export function slopePerMinute(points: { t: number; y: number }[]): number {
  const n = points.length;
  if (n < 2) return 0;
  const mt = points.reduce((s, p) => s + p.t, 0) / n;
  const my = points.reduce((s, p) => s + p.y, 0) / n;
  const num = points.reduce((s, p) => s + (p.t - mt) * (p.y - my), 0);
  const den = points.reduce((s, p) => s + (p.t - mt) ** 2, 0);
  return den === 0 ? 0 : (num / den) * 60_000;
}

const max = (values: number[]) => Math.max(...values);

/** Judges `samples` (the last one taken after the load stopped). */
export function judge(samples: Sample[], judgeMemory: boolean): Verdict {
  const during = samples.slice(0, -1);
  const final = samples[samples.length - 1];
  const warmupMs = Math.max(30_000, (during[during.length - 1]?.t ?? 0) * 0.2);
  const steady = during.filter((s) => s.t >= warmupMs); // t: ms since the load started
  const heapSlope = slopePerMinute(steady.map((s) => ({ t: s.t, y: s.heap_mb })));
  const rssSlope = slopePerMinute(steady.map((s) => ({ t: s.t, y: s.rss_mb })));
  const third = Math.max(1, Math.floor(steady.length / 3));
  const first = steady.slice(0, third);
  const last = steady.slice(-third);
  const checks: Verdict['checks'] = [];
  const growth = (name: 'listeners' | 'timers') => {
    const before = max(first.map((s) => s[name]));
    const after = max(last.map((s) => s[name]));
    checks.push({ name: `${name} not growing`, ok: after <= before, detail: `max ${before} → ${after}` });
  };
  if (steady.length >= 3) {
    growth('listeners');
    // timers follow the load (SSE heartbeats, request timeouts): a minute is too short to judge
    if (judgeMemory) growth('timers');
    if (judgeMemory) {
      checks.push({ name: 'heap slope < 1 MB/min', ok: heapSlope < 1, detail: `${heapSlope.toFixed(3)} MB/min` });
      checks.push({ name: 'RSS slope < 1 MB/min', ok: rssSlope < 1, detail: `${rssSlope.toFixed(3)} MB/min` });
    }
  } else checks.push({ name: 'enough samples after warm-up', ok: false, detail: `${steady.length}` });
  const http = final.emitted.http ?? 0;
  checks.push({ name: 'HTTP events emitted = requests served', ok: http === final.served, detail: `${http} / ${final.served}` });
  checks.push({
    name: 'no SSE client left open',
    ok: final.sse_clients === 0,
    detail: `${final.sse_clients} open after the load`,
  });
  return { warmupS: Math.round(warmupMs / 1000), heapSlope, rssSlope, checks, judgedMemory: judgeMemory };
}
