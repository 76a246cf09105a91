import { describe, expect, it } from 'vitest';

import { createFeatureSet, ZTF_FEATURES } from '../src/index.ts';
import { abMag, context, feature, lightCurve, nonDetection, type Point } from './light-curves.ts';

const names = ZTF_FEATURES.names;
const LATE = 70000;

function extract(points: readonly Point[], untilMjd = LATE) {
  return ZTF_FEATURES.extract(lightCurve(points), undefined, untilMjd);
}

describe('cross-band features', () => {
  it('counts span and age', () => {
    const curve = lightCurve(
      [['g', 60002, 100, 10], ['r', 60001, 100, 10], ['r', 60005, 100, 10]],
      [nonDetection('g', 59990, 20), nonDetection('r', 59995, 20), nonDetection('i', 59996, 20), nonDetection('g', 60010, 20)],
    );
    const values = ZTF_FEATURES.extract(curve, undefined, 60008);
    expect(feature(names, values, 'n_det')).toBe(3);
    expect(feature(names, values, 'n_nondet')).toBe(2);
    expect(feature(names, values, 'span')).toBe(4);
    expect(feature(names, values, 'age')).toBe(7);
  });

  it('colour at r peak uses nearest g', () => {
    const values = extract([
      ['g', 60005, 50, 5],
      ['g', 60009, 100, 5],
      ['r', 60008, 100, 5],
      ['r', 60010, 200, 5],
      ['r', 60020, 120, 5],
    ]);
    expect(feature(names, values, 'colour_at_peak_g_r')).toBeCloseTo(abMag(100) - abMag(200), 12);
  });

  it('colour at peak NaN beyond 3 days', () => {
    const values = extract([['g', 60006, 100, 5], ['r', 60010, 200, 5]]);
    expect(feature(names, values, 'colour_at_peak_g_r')).toBeNaN();
  });

  it('colour at peak skips negative g flux', () => {
    const values = extract([['g', 60010, -30, 5], ['g', 60012, 100, 5], ['r', 60010, 200, 5]]);
    expect(feature(names, values, 'colour_at_peak_g_r')).toBeCloseTo(abMag(100) - abMag(200), 12);
  });

  it('colour last anchors on later band', () => {
    // The last positive detection is g at day 20; the nearest r within 3 days is day 18.
    const values = extract([
      ['r', 60010, 300, 5],
      ['r', 60018, 150, 5],
      ['g', 60011, 250, 5],
      ['g', 60020, 60, 5],
    ]);
    expect(feature(names, values, 'colour_last_g_r')).toBeCloseTo(abMag(60) - abMag(150), 12);
  });

  it('colour last NaN without partner', () => {
    const values = extract([['r', 60010, 300, 5], ['g', 60020, 60, 5]]);
    expect(feature(names, values, 'colour_last_g_r')).toBeNaN();
  });

  it('colours for every adjacent pair', () => {
    const des = createFeatureSet(['g', 'r', 'i', 'z']);
    const values = des.extract(
      lightCurve([['g', 1, 100, 5], ['r', 1.1, 200, 5], ['i', 1.2, 400, 5], ['z', 1.3, 800, 5]]),
      undefined,
      LATE,
    );
    const twoAndHalfLog2 = 2.5 * Math.log10(2);
    expect(feature(des.names, values, 'colour_at_peak_g_r')).toBeCloseTo(twoAndHalfLog2, 12);
    expect(feature(des.names, values, 'colour_at_peak_r_i')).toBeCloseTo(twoAndHalfLog2, 12);
    expect(feature(des.names, values, 'colour_at_peak_i_z')).toBeCloseTo(twoAndHalfLog2, 12);
    expect(feature(des.names, values, 'colour_last_i_z')).toBeCloseTo(twoAndHalfLog2, 12);
  });

  it('stetson_j of correlated cross-band pairs', () => {
    // Each band: two points at mean ± 1σ, so δ = ±sqrt(2); each g-r pair has δ_g δ_r = 2.
    const values = extract([
      ['g', 60000, 110, 10],
      ['r', 60000.01, 240, 20],
      ['g', 60001, 90, 10],
      ['r', 60001.01, 200, 20],
    ]);
    expect(feature(names, values, 'stetson_j')).toBeCloseTo(Math.SQRT2, 12);
  });

  it('stetson_j of anti-correlated pairs', () => {
    const values = extract([
      ['g', 60000, 110, 10],
      ['r', 60000.01, 200, 20],
      ['g', 60001, 90, 10],
      ['r', 60001.01, 240, 20],
    ]);
    expect(feature(names, values, 'stetson_j')).toBeCloseTo(-Math.SQRT2, 12);
  });

  it('stetson_j falls back to same band', () => {
    // Pairs beyond one hour: g points 0-1 and 2-3 pair; δ = sqrt(4/3) · (1, 1, −1, −1), each product 4/3.
    const values = extract([
      ['g', 60000, 110, 10],
      ['g', 60001, 110, 10],
      ['g', 60002, 90, 10],
      ['g', 60003, 90, 10],
    ]);
    expect(feature(names, values, 'stetson_j')).toBeCloseTo(Math.sqrt(4 / 3), 12);
  });

  it('stetson_j NaN with one point', () => {
    const values = extract([['g', 60000, 110, 10]]);
    expect(feature(names, values, 'stetson_j')).toBeNaN();
  });

  it('frac_negative counts negative flux', () => {
    const values = extract([['g', 1, -10, 5], ['g', 2, 10, 5], ['r', 3, 0, 5], ['r', 4, 20, 5]]);
    expect(feature(names, values, 'frac_negative')).toBe(0.25);
  });

  it('max_slope takes the steepest band', () => {
    // g changes by 2.5 log10(2) mag per day; r quadruples in half a day: 2.5 log10(4) / 0.5 mag/d.
    const values = extract([
      ['g', 60000, 100, 5],
      ['g', 60001, 200, 5],
      ['g', 60002, 100, 5],
      ['r', 60000, 100, 5],
      ['r', 60000.5, 400, 5],
    ]);
    expect(feature(names, values, 'max_slope')).toBeCloseTo((2.5 * Math.log10(4)) / 0.5, 12);
  });

  it('max_slope NaN without a pair', () => {
    const values = extract([['g', 60000, 100, 5], ['r', 60001, 100, 5]]);
    expect(feature(names, values, 'max_slope')).toBeNaN();
  });
});

describe('context features', () => {
  const contextNames = ['ctx_rb', 'ctx_drb', 'ctx_sgscore1', 'ctx_distpsnr1', 'ctx_ssdistnr', 'ctx_ndethist'];
  const curve = lightCurve([['g', 60000, 100, 5]]);

  it('undefined context gives NaN', () => {
    const values = ZTF_FEATURES.extract(curve, undefined, LATE);
    for (const name of contextNames) {
      expect(feature(names, values, name), name).toBeNaN();
    }
  });

  it('values are copied', () => {
    const values = ZTF_FEATURES.extract(curve, context({ ssdistnr: 12.5 }), LATE);
    expect(feature(names, values, 'ctx_rb')).toBe(0.9);
    expect(feature(names, values, 'ctx_drb')).toBe(0.95);
    expect(feature(names, values, 'ctx_sgscore1')).toBe(0.1);
    expect(feature(names, values, 'ctx_distpsnr1')).toBe(1.5);
    expect(feature(names, values, 'ctx_ssdistnr')).toBe(12.5);
    expect(feature(names, values, 'ctx_ndethist')).toBe(4);
  });

  it('NaN values stay NaN', () => {
    const values = ZTF_FEATURES.extract(curve, context({ drb: NaN, ssdistnr: NaN }), LATE);
    expect(feature(names, values, 'ctx_drb')).toBeNaN();
    expect(feature(names, values, 'ctx_ssdistnr')).toBeNaN();
  });

  it('sentinel −999 becomes NaN', () => {
    const values = ZTF_FEATURES.extract(curve, context({ ssdistnr: -999, sgscore1: -999, distpsnr1: -999 }), LATE);
    expect(feature(names, values, 'ctx_ssdistnr')).toBeNaN();
    expect(feature(names, values, 'ctx_sgscore1')).toBeNaN();
    expect(feature(names, values, 'ctx_distpsnr1')).toBeNaN();
  });

  it('zero ndethist stays zero', () => {
    const values = ZTF_FEATURES.extract(curve, context({ ndethist: 0 }), LATE);
    expect(feature(names, values, 'ctx_ndethist')).toBe(0);
  });
});
