import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import { createFeatureSet, ZTF_FEATURES } from '../src/index.ts';
import { bazinFlux, context, feature, lightCurve, nonDetection, type Point } from './light-curves.ts';

const names = ZTF_FEATURES.names;

/** Bazin-shaped g and r points every 2 days from day 0 to day 40, r offset by 0.3 days. */
function transient(): Point[] {
  const points: Point[] = [];
  for (let day = 0; day <= 40; day += 2) {
    points.push(['g', 60000 + day, bazinFlux(day, 400, 0, 10, 3, 20) + ((day * 13) % 7) - 3, 8]);
    points.push(['r', 60000.3 + day, bazinFlux(day, 500, 0, 12, 4, 30) + ((day * 11) % 5) - 2, 8]);
  }
  return points;
}

/** Compares two vectors element by element, treating NaN as equal to NaN. */
function expectSameVector(actual: Float64Array, expected: Float64Array): void {
  expect(actual.length).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) {
    expect(Object.is(actual[i], expected[i]), `${names[i]}: ${actual[i]} vs ${expected[i]}`).toBe(true);
  }
}

describe('extract', () => {
  it('untilMjd cut equals truncated curve', () => {
    const points = transient();
    const nonDetections = [nonDetection('g', 59995, 20.5), nonDetection('r', 60030, 19)];
    const cut = 60015;
    const full = ZTF_FEATURES.extract(lightCurve(points, nonDetections), context(), cut);
    const truncated = ZTF_FEATURES.extract(
      lightCurve(points.filter((point) => point[1] <= cut), nonDetections.filter((limit) => limit.mjd <= cut)),
      context(),
      cut,
    );
    expectSameVector(full, truncated);
  });

  it('untilMjd cut drops later points', () => {
    const values = ZTF_FEATURES.extract(lightCurve(transient()), undefined, 60010);
    expect(feature(names, values, 'g_n_det')).toBe(6);
    expect(feature(names, values, 'r_n_det')).toBe(5);
    expect(feature(names, values, 'age')).toBe(10);
  });

  it('point at untilMjd is included', () => {
    const values = ZTF_FEATURES.extract(lightCurve([['g', 60000, 100, 5], ['g', 60001, 120, 5]]), undefined, 60001);
    expect(feature(names, values, 'g_n_det')).toBe(2);
  });

  it('cut before all points gives empty result', () => {
    const values = ZTF_FEATURES.extract(lightCurve(transient()), undefined, 59000);
    expect(feature(names, values, 'n_det')).toBe(0);
    expect(feature(names, values, 'age')).toBeNaN();
  });

  it('buffer output equals allocated output', () => {
    const curve = lightCurve(transient());
    const allocated = ZTF_FEATURES.extract(curve, context(), 60040);
    const out = new Float64Array(names.length).fill(7);
    const returned = ZTF_FEATURES.extract(curve, context(), 60040, out);
    expect(returned).toBe(out);
    expectSameVector(out, allocated);
  });

  it('reused buffer after larger curve', () => {
    const small = lightCurve([['g', 60000, 100, 5], ['r', 60002, 80, 5]]);
    const expected = ZTF_FEATURES.extract(small, undefined, 60010);
    const out = new Float64Array(names.length);
    const big = transient().concat(transient().map(([band, mjd, flux, fluxErr]): Point => [band, mjd + 100, flux, fluxErr]));
    ZTF_FEATURES.extract(lightCurve(big), context(), 60200, out);
    ZTF_FEATURES.extract(small, undefined, 60010, out);
    expectSameVector(out, expected);
  });

  it('rejects a buffer of wrong length', () => {
    expect(() => ZTF_FEATURES.extract(lightCurve([]), undefined, 60000, new Float64Array(3))).toThrow(/names\.length/);
  });

  it('rejects a non-finite untilMjd', () => {
    expect(() => ZTF_FEATURES.extract(lightCurve([]), undefined, Number.NaN)).toThrow(/untilMjd/);
    expect(() => ZTF_FEATURES.extract(lightCurve([]), undefined, Infinity)).toThrow(/untilMjd/);
  });

  it('rejects unsorted detections', () => {
    const curve = lightCurve([['g', 60000, 100, 5], ['g', 60001, 120, 5]]);
    curve.detections.reverse();
    expect(() => ZTF_FEATURES.extract(curve, undefined, 60010)).toThrow(/not sorted/);
  });

  it('four-band set handles simulated flux', () => {
    // SNPhotCC-style: every observation is a detection, negative flux included.
    const des = createFeatureSet(['g', 'r', 'i', 'z']);
    const points: Point[] = [];
    for (const [index, band] of ['g', 'r', 'i', 'z'].entries()) {
      for (let day = -20; day <= 60; day += 5) {
        points.push([band, 60000 + day + index * 0.01, bazinFlux(day, 50 + 20 * index, 0, 0, 3, 25) - 2, 3]);
      }
    }
    const values = des.extract(lightCurve(points), undefined, 60100);
    expect(feature(des.names, values, 'n_det')).toBe(68);
    expect(feature(des.names, values, 'frac_negative')).toBeGreaterThan(0);
    expect(feature(des.names, values, 'z_bazin_amplitude')).toBeGreaterThan(0);
    expect(feature(des.names, values, 'colour_at_peak_i_z')).toBeLessThan(0.5);
  });
});

describe('extract properties', () => {
  const pointArbitrary = fc.tuple(
    fc.constantFrom('g', 'r'),
    fc.double({ min: 0, max: 60, noNaN: true }),
    fc.double({ min: -200, max: 2000, noNaN: true }),
    fc.double({ min: 1, max: 100, noNaN: true }),
  );

  it('later points do not change features', () => {
    fc.assert(
      fc.property(
        fc.array(pointArbitrary, { maxLength: 30 }),
        fc.array(pointArbitrary, { minLength: 1, maxLength: 10 }),
        fc.double({ min: 0, max: 60, noNaN: true }),
        (before, after, cutDay) => {
          const untilMjd = 60000 + cutDay;
          const known: Point[] = before
            .filter(([, day]) => day <= cutDay)
            .map(([band, day, flux, fluxErr]) => [band, 60000 + day, flux, fluxErr]);
          const later: Point[] = after.map(([band, day, flux, fluxErr]) => [band, untilMjd + 0.001 + day, flux, fluxErr]);
          const limits = [nonDetection('g', untilMjd - 1, 20), nonDetection('r', untilMjd + 1, 20)];

          const withoutLater = ZTF_FEATURES.extract(lightCurve(known, limits.slice(0, 1)), context(), untilMjd);
          const withLater = ZTF_FEATURES.extract(lightCurve([...known, ...later], limits), context(), untilMjd);
          for (let i = 0; i < names.length; i++) {
            if (!Object.is(withLater[i], withoutLater[i])) {
              throw new Error(`${names[i]} changed from ${withoutLater[i]} to ${withLater[i]}`);
            }
          }
        },
      ),
      { numRuns: 200, seed: 20240601 },
    );
  });

  it('never writes zero for a missing band', () => {
    fc.assert(
      fc.property(fc.array(pointArbitrary, { maxLength: 20 }), (points) => {
        const gOnly: Point[] = points.map(([, day, flux, fluxErr]) => ['g', 60000 + day, flux, fluxErr]);
        const values = ZTF_FEATURES.extract(lightCurve(gOnly), undefined, 60100);
        for (const name of names.filter((n) => n.startsWith('r_') && n !== 'r_n_det')) {
          if (!Number.isNaN(feature(names, values, name))) {
            throw new Error(`${name} is ${feature(names, values, name)} for an empty r band`);
          }
        }
      }),
      { numRuns: 100, seed: 7 },
    );
  });
});
