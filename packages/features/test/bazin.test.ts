import { describe, expect, it } from 'vitest';

import { BazinFitter, type BazinResult, ZTF_FEATURES } from '../src/index.ts';
import { bazinFlux, feature, lightCurve, type Point } from './light-curves.ts';

const names = ZTF_FEATURES.names;
const START = 59000;
const LATE = 70000;

function sampleBazin(band: string, days: readonly number[], a: number, b: number, t0: number, rise: number, fall: number): Point[] {
  return days.map((day) => [band, START + day, bazinFlux(day, a, b, t0, rise, fall), 5]);
}

function range(from: number, to: number, step: number): number[] {
  const days: number[] = [];
  for (let day = from; day <= to; day += step) {
    days.push(day);
  }
  return days;
}

function emptyResult(): BazinResult {
  return { amplitude: NaN, baseline: NaN, t0: NaN, rise: NaN, fall: NaN, reducedChi2: NaN };
}

describe('Bazin fit', () => {
  it('recovers a noiseless curve', () => {
    const values = ZTF_FEATURES.extract(lightCurve(sampleBazin('g', range(0, 90, 3), 500, 10, 20, 3, 25)), undefined, LATE);
    expect(feature(names, values, 'g_bazin_amplitude')).toBeCloseTo(500, 3);
    expect(feature(names, values, 'g_bazin_t0')).toBeCloseTo(20, 4);
    expect(feature(names, values, 'g_bazin_rise')).toBeCloseTo(3, 4);
    expect(feature(names, values, 'g_bazin_fall')).toBeCloseTo(25, 4);
    expect(feature(names, values, 'g_bazin_chi2')).toBeLessThan(1e-8);
  });

  it('recovers a slow curve in both bands', () => {
    const points = [
      ...sampleBazin('g', range(0, 120, 4), 300, 0, 35, 8, 60),
      ...sampleBazin('r', range(2, 122, 4), 900, -20, 40, 6, 90),
    ];
    const values = ZTF_FEATURES.extract(lightCurve(points), undefined, LATE);
    expect(feature(names, values, 'g_bazin_rise')).toBeCloseTo(8, 3);
    expect(feature(names, values, 'g_bazin_fall')).toBeCloseTo(60, 2);
    expect(feature(names, values, 'r_bazin_amplitude')).toBeCloseTo(900, 1);
    expect(feature(names, values, 'r_bazin_rise')).toBeCloseTo(6, 3);
    expect(feature(names, values, 'r_bazin_fall')).toBeCloseTo(90, 2);
    expect(feature(names, values, 'r_bazin_t0')).toBeCloseTo(40, 3);
  });

  it('t0 counts from the first detection in any band', () => {
    const points = [['r', START - 5, 40, 5] as Point, ...sampleBazin('g', range(0, 90, 3), 500, 10, 20, 3, 25)];
    const values = ZTF_FEATURES.extract(lightCurve(points), undefined, LATE);
    expect(feature(names, values, 'g_bazin_t0')).toBeCloseTo(25, 4);
  });

  it('chi2 of known noise', () => {
    // Alternating ±1σ offsets on 31 points with 5 free parameters: χ² at most 31, so χ²/26 below 31/26.
    const points = sampleBazin('g', range(0, 90, 3), 500, 10, 20, 3, 25).map(
      ([band, mjd, flux, fluxErr], i): Point => [band, mjd, flux + (i % 2 === 0 ? fluxErr : -fluxErr), fluxErr],
    );
    const values = ZTF_FEATURES.extract(lightCurve(points), undefined, LATE);
    const chi2 = feature(names, values, 'g_bazin_chi2');
    expect(chi2).toBeGreaterThan(0.5);
    expect(chi2).toBeLessThanOrEqual(31 / 26);
  });

  it('young rise with five points fixes baseline', () => {
    // Five points on the rise and just past the peak, baseline 0: four free parameters.
    const points = sampleBazin('r', [0, 2, 4, 6, 9], 600, 0, 4, 2, 30);
    const fitter = new BazinFitter();
    const result = emptyResult();
    const mjd = Float64Array.from(points, (point) => point[1]);
    const flux = Float64Array.from(points, (point) => point[2]);
    const fluxErr = Float64Array.from(points, (point) => point[3]);
    expect(fitter.fit(mjd, flux, fluxErr, 5, START, result)).toBe(true);
    expect(result.baseline).toBe(0);
    expect(result.reducedChi2).toBeLessThan(1e-6);
    expect(result.rise).toBeCloseTo(2, 2);
    expect(result.t0).toBeCloseTo(4, 2);
  });

  it('four points give NaN chi2', () => {
    const values = ZTF_FEATURES.extract(lightCurve(sampleBazin('g', [0, 3, 6, 12], 500, 0, 5, 2, 20)), undefined, LATE);
    expect(feature(names, values, 'g_bazin_amplitude')).toBeGreaterThan(0);
    expect(feature(names, values, 'g_bazin_chi2')).toBeNaN();
  });

  it('three points give NaN', () => {
    const values = ZTF_FEATURES.extract(lightCurve(sampleBazin('g', [0, 3, 6], 500, 0, 5, 2, 20)), undefined, LATE);
    for (const key of ['amplitude', 't0', 'rise', 'fall', 'chi2']) {
      expect(feature(names, values, `g_bazin_${key}`), key).toBeNaN();
    }
  });

  it('all-negative flux gives NaN', () => {
    const points: Point[] = [0, 1, 2, 3, 4, 5].map((day) => ['g', START + day, -10 - day, 5]);
    const values = ZTF_FEATURES.extract(lightCurve(points), undefined, LATE);
    expect(feature(names, values, 'g_bazin_amplitude')).toBeNaN();
  });

  it('step drives taus to bounds', () => {
    // A jump from 0 to a constant 100 µJy between days 8 and 10 is fitted best by the fastest
    // allowed rise and the slowest allowed fall, so both times end on their bounds.
    const step: Point[] = range(0, 30, 2).map((day) => ['g', START + day, day < 10 ? 0 : 100, 5]);
    const values = ZTF_FEATURES.extract(lightCurve(step), undefined, LATE);
    expect(feature(names, values, 'g_bazin_rise')).toBe(0.5);
    expect(feature(names, values, 'g_bazin_fall')).toBe(200);
    expect(feature(names, values, 'g_bazin_t0')).toBeGreaterThan(8);
    expect(feature(names, values, 'g_bazin_t0')).toBeLessThan(10);
  });

  it('fitter is deterministic across reuse', () => {
    const fitter = new BazinFitter();
    const points = sampleBazin('g', range(0, 60, 5), 400, 5, 15, 4, 30).map(
      ([band, mjd, flux, fluxErr], i): Point => [band, mjd, flux + ((i * 7) % 5) - 2, fluxErr],
    );
    const mjd = Float64Array.from(points, (point) => point[1]);
    const flux = Float64Array.from(points, (point) => point[2]);
    const fluxErr = Float64Array.from(points, (point) => point[3]);
    const first = emptyResult();
    const second = emptyResult();
    fitter.fit(mjd, flux, fluxErr, mjd.length, START, first);
    fitter.fit(mjd.subarray(0, 6), flux.subarray(0, 6), fluxErr.subarray(0, 6), 6, START, emptyResult());
    fitter.fit(mjd, flux, fluxErr, mjd.length, START, second);
    expect(second).toEqual(first);
  });
});
