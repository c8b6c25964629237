// Counters and histograms kept in plain fields, one series per label set, that prom-client reads on scrape.
//
// prom-client hashes the labels of every observation, bound children included (~1-2 µs each);
// a request records three or four. These keep a series per label set found once, and the hot path
// only adds to numbers; the registry renders them like its own metrics when /metrics is scraped.
import type { Registry } from 'prom-client';

type Labels = Record<string, string>;

interface Series {
  labels: Labels;
  counts: Float64Array;
  sum: number;
  count: number;
}

interface MetricValue {
  value: number;
  labels: Record<string, string | number>;
  metricName?: string;
}

/** What prom-client's Registry needs of a metric: a name, and its values when scraped. */
abstract class LeanMetric {
  readonly name: string;
  readonly help: string;
  abstract readonly type: 'counter' | 'histogram';
  readonly aggregator = 'sum';
  protected readonly series = new Map<string, Series>();

  constructor(options: { name: string; help: string; registers: Registry[] }) {
    this.name = options.name;
    this.help = options.help;
    for (const registry of options.registers) registry.registerMetric(this as never);
  }

  protected seriesOf(labels: Labels, buckets: number): Series {
    const key = JSON.stringify(labels);
    let s = this.series.get(key);
    if (s === undefined) {
      s = { labels, counts: new Float64Array(buckets), sum: 0, count: 0 };
      this.series.set(key, s);
    }
    return s;
  }

  abstract values(): MetricValue[];

  async get(): Promise<{ name: string; help: string; type: string; values: MetricValue[]; aggregator: string }> {
    return { name: this.name, help: this.help, type: this.type, values: this.values(), aggregator: this.aggregator };
  }

  reset(): void {
    this.series.clear();
  }
}

export class LeanCounter extends LeanMetric {
  readonly type = 'counter';

  /** A function that adds to the series of these labels (1 when called without an amount). */
  child(labels: Labels): (amount?: number) => void {
    const s = this.seriesOf(labels, 0);
    return (amount = 1) => {
      s.sum += amount;
    };
  }

  values(): MetricValue[] {
    return [...this.series.values()].map((s) => ({ value: s.sum, labels: s.labels }));
  }
}

export class LeanHistogram extends LeanMetric {
  readonly type = 'histogram';
  readonly #buckets: readonly number[];

  constructor(options: { name: string; help: string; registers: Registry[]; buckets: readonly number[] }) {
    super(options);
    this.#buckets = options.buckets;
  }

  /** A function that records one observation in the series of these labels. */
  child(labels: Labels): (value: number) => void {
    const s = this.seriesOf(labels, this.#buckets.length);
    const buckets = this.#buckets;
    return (value: number) => {
      let i = 0;
      while (i < buckets.length && value > buckets[i]) i++;
      if (i < buckets.length) s.counts[i]++;
      s.sum += value;
      s.count++;
    };
  }

  /** Cumulative buckets, +Inf, sum and count per series: the exposition format's histogram. */
  values(): MetricValue[] {
    const out: MetricValue[] = [];
    for (const s of this.series.values()) {
      let cumulative = 0;
      this.#buckets.forEach((le, i) => {
        cumulative += s.counts[i];
        out.push({ metricName: `${this.name}_bucket`, labels: { ...s.labels, le }, value: cumulative });
      });
      out.push({ metricName: `${this.name}_bucket`, labels: { ...s.labels, le: '+Inf' }, value: s.count });
      out.push({ metricName: `${this.name}_sum`, labels: s.labels, value: s.sum });
      out.push({ metricName: `${this.name}_count`, labels: s.labels, value: s.count });
    }
    return out;
  }
}
