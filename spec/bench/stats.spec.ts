import { median, pairedRatios, rotated } from '../../bench/websocket/stats';

describe('bench statistics', () => {
  it('takes the median of odd and even counts, NaN of none', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([])).toBeNaN();
  });

  it('starts each round at the next server', () => {
    expect([0, 1, 2, 3].map((r) => rotated(['A', 'B', 'C'], r).join(''))).toEqual(['ABC', 'BCA', 'CAB', 'ABC']);
  });

  it('compares rounds side by side, not medians', () => {
    // the machine got 10x faster after round 3: a loses every round by 10%, and the range shows it, where the
    // min-max of each side alone (90-900 against 100-1000) would overlap entirely
    const a = [90, 90, 90, 900, 900];
    const b = [100, 100, 100, 1000, 1000];
    const p = pairedRatios(a, b, false);
    expect(p?.median).toBeCloseTo(0.9);
    expect(p?.min).toBeCloseTo(0.9);
    expect(p?.max).toBeCloseTo(0.9);
    expect(p?.better).toBe(0);
    expect(p?.rounds).toBe(5);
    const drift = pairedRatios([10, 20, 30], [20, 10, 30], false);
    expect(drift).toEqual({ median: 1, min: 0.5, max: 2, better: 1, rounds: 3 });
  });

  it('counts a lower value as better where lower is better (latency, memory)', () => {
    expect(pairedRatios([90, 110], [100, 100], true)?.better).toBe(1);
    expect(pairedRatios([90, 110], [100, 100], false)?.better).toBe(1);
    expect(pairedRatios([80, 90], [100, 100], true)?.better).toBe(2);
  });

  it('gives nothing for rounds that do not pair up', () => {
    expect(pairedRatios([], [], false)).toBeNull();
    expect(pairedRatios([1, 2], [1], false)).toBeNull();
  });
});
