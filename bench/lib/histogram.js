// Latency histogram shared by the load generator and the harnesses: log-spaced buckets (2 % wide) from 1 µs
// to about 10 minutes, so percentiles of millions of samples fit in ~1,000 counters and histograms from
// several processes merge by adding counters. The exact minimum, maximum and sum are kept besides.
'use strict';

const MIN_MS = 0.001;
const GROWTH = 1.02;
const LOG_GROWTH = Math.log(GROWTH);
const BUCKETS = 1100; // MIN_MS * GROWTH^1100 ≈ 2.9e6 s: beyond any run

class Histogram {
  constructor() {
    this.counts = new Float64Array(BUCKETS);
    this.count = 0;
    this.sum = 0;
    this.min = Infinity;
    this.max = 0;
  }

  record(ms) {
    const i = ms <= MIN_MS ? 0 : Math.min(BUCKETS - 1, 1 + Math.floor(Math.log(ms / MIN_MS) / LOG_GROWTH));
    this.counts[i]++;
    this.count++;
    this.sum += ms;
    if (ms < this.min) this.min = ms;
    if (ms > this.max) this.max = ms;
  }

  /** Upper edge of the bucket holding the p-th percentile (at most 2 % high), capped by the exact maximum. */
  percentile(p) {
    if (this.count === 0) return null;
    const rank = Math.max(1, Math.ceil((p / 100) * this.count));
    let seen = 0;
    for (let i = 0; i < BUCKETS; i++) {
      seen += this.counts[i];
      if (seen >= rank) return Math.min(this.max, i === 0 ? MIN_MS : MIN_MS * GROWTH ** i);
    }
    return this.max;
  }

  merge(other) {
    for (let i = 0; i < BUCKETS; i++) this.counts[i] += other.counts[i];
    this.count += other.count;
    this.sum += other.sum;
    this.min = Math.min(this.min, other.min);
    this.max = Math.max(this.max, other.max);
    return this;
  }

  /** {count, mean, p50, p95, p99, max} in milliseconds, rounded to 0.01 ms. */
  summary() {
    const r = (v) => (v == null ? null : Math.round(v * 100) / 100);
    return {
      count: this.count,
      mean: this.count ? r(this.sum / this.count) : null,
      p50: r(this.percentile(50)),
      p95: r(this.percentile(95)),
      p99: r(this.percentile(99)),
      max: this.count ? r(this.max) : null,
    };
  }

  /** Plain JSON (sparse buckets) for process.send; Histogram.from reverses it. */
  toJSON() {
    const buckets = [];
    for (let i = 0; i < BUCKETS; i++) if (this.counts[i]) buckets.push([i, this.counts[i]]);
    return { buckets, count: this.count, sum: this.sum, min: this.count ? this.min : null, max: this.max };
  }

  static from(json) {
    const h = new Histogram();
    if (!json) return h;
    for (const [i, n] of json.buckets) h.counts[i] = n;
    h.count = json.count;
    h.sum = json.sum;
    h.min = json.min ?? Infinity;
    h.max = json.max;
    return h;
  }
}

module.exports = { Histogram };
