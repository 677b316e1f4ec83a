/**
 * @module canon/metrics/series
 * The series of one metric, bounded: at most `maxSeries` distinct attribute sets, the
 * last slot being the `other` series (every attribute `other`) that absorbs any new set
 * once the others are full. Each series is built once and reused, so recording an event
 * allocates only its lookup key.
 */
import type { AttributeValue } from './instruments.js';
import { labelName } from './names.js';

/** One attribute set of a metric, with what each backend needs to record into it. */
export interface Series<H> {
  /** OTel attributes (undefined values left out). */
  attributes: Readonly<Record<string, AttributeValue>>;
  /** Prometheus labels (undefined values left out). */
  labels: Readonly<Record<string, AttributeValue>>;
  /** The backend's handle for this series (a prom-client child). */
  handle: H;
}

/** The value every attribute of the overflow series takes. */
export const OTHER = 'other';

/**
 * A bounded table of series for one metric.
 *
 * @example
 * const table = new SeriesTable(['http.route'], 2_000, (labels) => histogram.labels(labels), () => collapsed++);
 * table.resolve(['/users/:id']).handle.observe(0.012);
 */
export class SeriesTable<H> {
  private readonly series = new Map<string, Series<H>>();
  private other: Series<H> | undefined;

  constructor(
    private readonly attributeNames: readonly string[],
    private readonly maxSeries: number,
    private readonly makeHandle: (labels: Record<string, AttributeValue>) => H,
    private readonly onCollapse: () => void,
  ) {}

  /** Distinct series in use (the `other` series included). */
  get size(): number {
    return this.series.size + (this.other ? 1 : 0);
  }

  /** The series of `values` (in attribute order), or the `other` series when full. */
  resolve(values: readonly (AttributeValue | undefined)[]): Series<H> {
    const key = values.join('\u0001');
    const found = this.series.get(key);
    if (found !== undefined) return found;
    if (this.series.size < this.maxSeries - 1) {
      const created = this.build(values);
      this.series.set(key, created);
      return created;
    }
    this.onCollapse();
    this.other ??= this.build(this.attributeNames.map(() => OTHER));
    return this.other;
  }

  private build(values: readonly (AttributeValue | undefined)[]): Series<H> {
    const attributes: Record<string, AttributeValue> = {};
    const labels: Record<string, AttributeValue> = {};
    this.attributeNames.forEach((name, i) => {
      const value = values[i];
      if (value === undefined) return;
      attributes[name] = value;
      labels[labelName(name)] = value;
    });
    return { attributes: Object.freeze(attributes), labels: Object.freeze(labels), handle: this.makeHandle(labels) };
  }
}
