import { describe, expect, it } from 'vitest';

import { ZTF_FEATURES } from '../src/index.ts';
import { abMag, feature, lightCurve, nonDetection, type Point } from './light-curves.ts';

const names = ZTF_FEATURES.names;
const LATE = 70000;

function extract(points: readonly Point[], untilMjd = LATE, nonDetections = [] as ReturnType<typeof nonDetection>[]) {
  return ZTF_FEATURES.extract(lightCurve(points, nonDetections), undefined, untilMjd);
}

// g fluxes 100, 200, 400, 300 µJy at days 1, 2, 3, 5 with 10 µJy errors. Hand-derived values:
// mean 250, deviations −150, −50, 150, 50, sum of squares 50000, sample variance 50000 / 3.
const RISE_AND_FALL: Point[] = [
  ['g', 60001, 100, 10],
  ['g', 60002, 200, 10],
  ['g', 60003, 400, 10],
  ['g', 60005, 300, 10],
];

describe('per-band features', () => {
  it('counts and span', () => {
    const values = extract(RISE_AND_FALL);
    expect(feature(names, values, 'g_n_det')).toBe(4);
    expect(feature(names, values, 'g_span')).toBe(4);
  });

  it('amplitude and peak', () => {
    const values = extract(RISE_AND_FALL);
    expect(feature(names, values, 'g_amplitude')).toBe(300);
    expect(feature(names, values, 'g_peak_flux')).toBe(400);
    expect(feature(names, values, 'g_peak_mag')).toBeCloseTo(abMag(400), 12);
    expect(feature(names, values, 'g_last_mag')).toBeCloseTo(abMag(300), 12);
  });

  it('peak_time counts from first detection in any band', () => {
    const values = extract([...RISE_AND_FALL, ['r', 60000, 50, 10]]);
    expect(feature(names, values, 'g_peak_time')).toBe(3);
    expect(feature(names, values, 'r_peak_time')).toBe(0);
  });

  it('rise_rate of doubling flux per day', () => {
    // The flux doubles each day up to the peak, so the magnitude falls by 2.5 log10(2) per day.
    const values = extract(RISE_AND_FALL);
    expect(feature(names, values, 'g_rise_rate')).toBeCloseTo(2.5 * Math.log10(2), 10);
  });

  it('decline_rate from peak to last', () => {
    const values = extract(RISE_AND_FALL);
    expect(feature(names, values, 'g_decline_rate')).toBeCloseTo((2.5 * Math.log10(400 / 300)) / 2, 10);
  });

  it('rise_rate NaN when first point is peak', () => {
    const values = extract([['g', 60000, 400, 10], ['g', 60001, 300, 10], ['g', 60002, 200, 10]]);
    expect(feature(names, values, 'g_rise_rate')).toBeNaN();
    expect(feature(names, values, 'g_decline_rate')).toBeGreaterThan(0);
  });

  it('rise_rate skips non-positive flux', () => {
    // With the −20 µJy point skipped, two points remain: 100 µJy at day 1 and 400 µJy at day 3.
    const values = extract([['g', 60000, -20, 10], ['g', 60001, 100, 10], ['g', 60003, 400, 10]]);
    expect(feature(names, values, 'g_rise_rate')).toBeCloseTo((2.5 * Math.log10(4)) / 2, 10);
  });

  it('std skew and excess variance', () => {
    const values = extract(RISE_AND_FALL);
    const variance = 50000 / 3;
    expect(feature(names, values, 'g_std')).toBeCloseTo(Math.sqrt(variance), 10);
    expect(feature(names, values, 'g_skew')).toBeCloseTo(0, 12);
    expect(feature(names, values, 'g_excess_var')).toBeCloseTo((variance - 100) / 250 ** 2, 12);
  });

  it('skew of a one-sided outlier is positive', () => {
    // Values 0, 0, 0, 4: mean 1, s² = 4, s = 2, z = −0.5, −0.5, −0.5, 1.5; Σz³ = 3; G1 = 4 / (3 · 2) · 3 = 2.
    const values = extract([['g', 1, 0, 1], ['g', 2, 0, 1], ['g', 3, 0, 1], ['g', 4, 4, 1]]);
    expect(feature(names, values, 'g_skew')).toBeCloseTo(2, 12);
  });

  it('constant curve has zero spread', () => {
    const constant: Point[] = [1, 2, 3, 4, 5].map((day) => ['r', 60000 + day, 100, 10]);
    const values = extract(constant);
    expect(feature(names, values, 'r_std')).toBe(0);
    expect(feature(names, values, 'r_amplitude')).toBe(0);
    expect(feature(names, values, 'r_excess_var')).toBeCloseTo(-(10 * 10) / (100 * 100), 14);
    expect(feature(names, values, 'r_skew')).toBeNaN();
    expect(feature(names, values, 'r_stetson_k')).toBeNaN();
  });

  it('stetson_k of a symmetric curve', () => {
    // Equal errors: δ ∝ −15, −5, 15, 5, so K = mean|δ| / rms δ = 10 / sqrt(125).
    const values = extract(RISE_AND_FALL);
    expect(feature(names, values, 'g_stetson_k')).toBeCloseTo(10 / Math.sqrt(125), 12);
  });

  it('stetson_k of a two-level curve is 1', () => {
    const values = extract([['g', 1, 90, 10], ['g', 2, 110, 10], ['g', 3, 90, 10], ['g', 4, 110, 10]]);
    expect(feature(names, values, 'g_stetson_k')).toBeCloseTo(1, 12);
  });

  it('mean_snr averages flux over error', () => {
    const values = extract(RISE_AND_FALL);
    expect(feature(names, values, 'g_mean_snr')).toBeCloseTo((10 + 20 + 40 + 30) / 4, 12);
  });

  it('last non-detection before first detection', () => {
    const nonDetections = [
      nonDetection('g', 59998, 20.0),
      nonDetection('g', 59999, 20.5),
      nonDetection('r', 60000.5, 21.0),
      nonDetection('g', 60004, 19.0),
    ];
    const values = extract(RISE_AND_FALL, LATE, nonDetections);
    expect(feature(names, values, 'g_last_nondet_gap')).toBe(2);
    expect(feature(names, values, 'g_limit_minus_first_mag')).toBeCloseTo(20.5 - abMag(100), 12);
  });

  it('last_nondet_gap NaN without prior limit', () => {
    const values = extract(RISE_AND_FALL, LATE, [nonDetection('g', 60004, 19.0)]);
    expect(feature(names, values, 'g_last_nondet_gap')).toBeNaN();
    expect(feature(names, values, 'g_limit_minus_first_mag')).toBeNaN();
  });

  it('negative peak gives NaN magnitude', () => {
    const values = extract([['g', 1, -50, 10], ['g', 2, -30, 10]]);
    expect(feature(names, values, 'g_peak_flux')).toBe(-30);
    expect(feature(names, values, 'g_peak_mag')).toBeNaN();
    expect(feature(names, values, 'g_last_mag')).toBeNaN();
  });

  it('single detection has count but no spread', () => {
    const values = extract([['g', 60001, 100, 10]]);
    expect(feature(names, values, 'g_n_det')).toBe(1);
    expect(feature(names, values, 'g_peak_flux')).toBe(100);
    expect(feature(names, values, 'g_span')).toBeNaN();
    expect(feature(names, values, 'g_amplitude')).toBeNaN();
    expect(feature(names, values, 'g_std')).toBeNaN();
  });

  it('empty band is NaN, never 0', () => {
    const values = extract(RISE_AND_FALL);
    expect(feature(names, values, 'r_n_det')).toBe(0);
    for (const name of names.filter((n) => n.startsWith('r_') && n !== 'r_n_det')) {
      expect(feature(names, values, name), name).toBeNaN();
    }
  });

  it('empty light curve is NaN except counts', () => {
    const values = extract([]);
    for (const name of names) {
      if (name.endsWith('n_det') || name === 'n_nondet') {
        expect(feature(names, values, name), name).toBe(0);
      } else {
        expect(feature(names, values, name), name).toBeNaN();
      }
    }
  });

  it('points in other bands are ignored', () => {
    const values = extract([...RISE_AND_FALL, ['i', 60000, 1000, 10]]);
    expect(feature(names, values, 'n_det')).toBe(4);
    expect(feature(names, values, 'g_peak_time')).toBe(2);
  });

  it('points with invalid error are skipped', () => {
    const values = extract([...RISE_AND_FALL, ['g', 60006, 1000, 0], ['g', 60007, 1000, Number.NaN]]);
    expect(feature(names, values, 'g_n_det')).toBe(4);
    expect(feature(names, values, 'g_peak_flux')).toBe(400);
  });
});
