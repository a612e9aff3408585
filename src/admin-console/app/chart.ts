/// <reference lib="dom" />
import type { StatsDto } from './api';
import { num, s } from './dom';

export interface Bucket {
  from: number;
  to: number;
  count: number;
}

export interface Bar {
  x: number;
  y: number;
  width: number;
  height: number;
  bucket: Bucket;
}

export interface Plot {
  width: number;
  height: number;
  /** left and bottom margins for the axis labels */
  left: number;
  bottom: number;
}

/**
 * Histogram bars in plot coordinates: one bar per bucket, equal widths (buckets are equal
 * score ranges; the first and last may be clipped by the data, so width does not encode the
 * range), heights proportional to the count, the tallest bar filling the plot.
 */
export function histogramBars(buckets: Bucket[], plot: Plot): Bar[] {
  if (buckets.length === 0) return [];
  const innerW = plot.width - plot.left;
  const innerH = plot.height - plot.bottom;
  const most = Math.max(1, ...buckets.map((b) => b.count));
  const w = innerW / buckets.length;
  return buckets.map((bucket, i) => {
    const height = (bucket.count / most) * innerH;
    return { x: plot.left + i * w, y: innerH - height, width: w, height, bucket };
  });
}

/**
 * Where a score falls on the bar axis: inside its bucket, in proportion to its place in the
 * bucket's range; before the first bucket's start or after the last one's end it is clamped.
 */
export function scoreX(score: number, buckets: Bucket[], plot: Plot): number {
  if (buckets.length === 0) return plot.left;
  const w = (plot.width - plot.left) / buckets.length;
  const i = buckets.findIndex(
    (b) => score >= Math.min(b.from, b.to) && score <= Math.max(b.from, b.to),
  );
  if (i === -1) {
    const lo = Math.min(buckets[0].from, buckets[buckets.length - 1].to);
    return score <= lo ? plot.left : plot.width;
  }
  const b = buckets[i];
  const span = Math.abs(b.to - b.from);
  const within = span === 0 ? 0.5 : Math.abs(score - b.from) / span;
  return plot.left + (i + within) * w;
}

const PERCENTILES = [
  ['p50', 'median'],
  ['p90', 'p90'],
  ['p99', 'p99'],
  ['p999', 'p99.9'],
] as const;

/** The histogram of a board's scores with its percentiles marked, as an inline SVG. */
export function statsChart(stats: StatsDto): SVGSVGElement {
  const plot: Plot = { width: 600, height: 240, left: 8, bottom: 36 };
  const buckets = [...stats.histogram].sort((a, b) => a.from - b.from);
  const bars = histogramBars(buckets, plot);
  const innerH = plot.height - plot.bottom;
  const svg = s('svg', {
    viewBox: `0 0 ${plot.width} ${plot.height}`,
    role: 'img',
    class: 'chart',
    id: 'stats-chart',
    'aria-label': `Histogram of ${stats.total ?? 0} scores with percentiles`,
  });
  svg.append(s('line', { x1: plot.left, y1: innerH, x2: plot.width, y2: innerH, class: 'axis' }));
  for (const bar of bars) {
    svg.append(
      s(
        'rect',
        {
          x: bar.x + 1,
          y: bar.y,
          width: Math.max(bar.width - 2, 1),
          height: bar.height,
          class: 'bar',
          'data-count': bar.bucket.count,
        },
        s(
          'title',
          {},
          `${num(bar.bucket.from)} to ${num(bar.bucket.to)}: ${num(bar.bucket.count)}`,
        ),
      ),
    );
  }
  if (buckets.length > 0) {
    svg.append(
      s('text', { x: plot.left, y: innerH + 14, class: 'tick' }, num(buckets[0].from)),
      s(
        'text',
        { x: plot.width, y: innerH + 14, class: 'tick', 'text-anchor': 'end' },
        num(buckets[buckets.length - 1].to),
      ),
    );
  }
  PERCENTILES.forEach(([key, label], i) => {
    const v = stats.percentiles[key];
    if (v === null) return;
    const x = scoreX(v, buckets, plot);
    const right = x > plot.width - 70;
    svg.append(
      s('line', {
        x1: x,
        y1: 0,
        x2: x,
        y2: innerH,
        class: `marker marker-${key}`,
        'data-percentile': key,
      }),
      s(
        'text',
        {
          x: right ? x - 3 : x + 3,
          y: 12 + i * 14,
          class: 'marker-label',
          'text-anchor': right ? 'end' : 'start',
        },
        `${label} ${num(v)}`,
      ),
    );
  });
  return svg;
}
