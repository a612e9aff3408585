import fc from 'fast-check';
import { Bucket, histogramBars, Plot, scoreX } from './chart';

const plot: Plot = { width: 600, height: 240, left: 8, bottom: 36 };
const innerH = plot.height - plot.bottom;

describe('histogram geometry', () => {
  const buckets: Bucket[] = [
    { from: 0, to: 99, count: 10 },
    { from: 100, to: 199, count: 40 },
    { from: 200, to: 299, count: 0 },
    { from: 300, to: 399, count: 20 },
  ];

  it('gives every bucket an equal slot and the tallest bar the full height', () => {
    const bars = histogramBars(buckets, plot);
    expect(bars.map((b) => b.width)).toEqual([148, 148, 148, 148]);
    expect(bars.map((b) => b.x)).toEqual([8, 156, 304, 452]);
    expect(bars.map((b) => b.height)).toEqual([innerH / 4, innerH, 0, innerH / 2]);
    for (const b of bars) expect(b.y + b.height).toBe(innerH);
  });

  it('draws nothing for no buckets, and an all-zero histogram flat', () => {
    expect(histogramBars([], plot)).toEqual([]);
    const flat = histogramBars([{ from: 1, to: 1, count: 0 }], plot);
    expect(flat[0].height).toBe(0);
  });

  it('places a score inside its bucket in proportion, and clamps outside the range', () => {
    expect(scoreX(0, buckets, plot)).toBe(8);
    expect(scoreX(99, buckets, plot)).toBe(156);
    expect(scoreX(150, buckets, plot)).toBeCloseTo(156 + (50 / 99) * 148);
    expect(scoreX(-5, buckets, plot)).toBe(plot.left);
    expect(scoreX(10_000, buckets, plot)).toBe(plot.width);
    expect(scoreX(7, [{ from: 7, to: 7, count: 3 }], plot)).toBe(8 + 592 / 2);
  });

  it('keeps every bar and marker inside the plot, markers in score order', () => {
    const arb = fc
      .array(fc.tuple(fc.integer({ min: 0, max: 1000 }), fc.nat(10_000)), {
        minLength: 1,
        maxLength: 40,
      })
      .map((widths) => {
        let from = -(2 ** 40);
        return widths.map(([w, count]) => {
          const b = { from, to: from + w, count };
          from += w + 1;
          return b;
        });
      });
    fc.assert(
      fc.property(
        arb,
        fc.array(fc.integer({ min: -(2 ** 41), max: 2 ** 41 }), { minLength: 2 }),
        (bs, scores) => {
          for (const bar of histogramBars(bs, plot)) {
            expect(bar.x).toBeGreaterThanOrEqual(plot.left);
            expect(bar.x + bar.width).toBeLessThanOrEqual(plot.width + 1e-9);
            expect(bar.height).toBeGreaterThanOrEqual(0);
            expect(bar.height).toBeLessThanOrEqual(innerH);
          }
          const sorted = [...scores].sort((a, b) => a - b);
          const xs = sorted.map((v) => scoreX(v, bs, plot));
          for (let i = 1; i < xs.length; i++)
            expect(xs[i]).toBeGreaterThanOrEqual(xs[i - 1] - 1e-9);
          for (const x of xs) {
            expect(x).toBeGreaterThanOrEqual(plot.left);
            expect(x).toBeLessThanOrEqual(plot.width);
          }
        },
      ),
    );
  });
});
