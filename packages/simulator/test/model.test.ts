import { describe, expect, it } from 'vitest';
import type { Exposure, SimulatedField } from '../src/cadence.ts';
import { processingId } from '../src/cadence.ts';
import { allocateClassCounts, SIMULATED_CLASSES } from '../src/classes.ts';
import { distanceModulus, redshiftForDistanceModulus } from '../src/cosmology.ts';
import { crossingU, fitBazinToHalfMaximum } from '../src/lightcurve-model.ts';
import { observeSource } from '../src/observe.ts';
import { SeededRandom, streamRandom } from '../src/random.ts';
import type { SimulatedSource } from '../src/sources.ts';
import { magnitudeToMicrojansky, simulateTransient } from '../src/sources.ts';

function exposureAt(mjd: number, fid: 1 | 2, diffmaglim = 20.5): Exposure {
  return { mjd, fid, diffmaglim, magzpsci: 26.2, nid: Math.floor(mjd) - 57754 };
}

describe('fitBazinToHalfMaximum', () => {
  it.each([
    [9.7, 14.4],
    [2, 8],
    [32, 24],
    [0.5, 60],
  ])('reproduces rise %s and fade %s days', (rise, fade) => {
    const { shape, tauFallDays } = fitBazinToHalfMaximum(rise, fade);
    const fittedRise = (shape.peakU - crossingU(shape, 0.5, -1)) * tauFallDays;
    const fittedFade = (crossingU(shape, 0.5, 1) - shape.peakU) * tauFallDays;
    expect(fittedRise).toBeCloseTo(rise, 3);
    expect(fittedFade).toBeCloseTo(fade, 3);
  });

  it('rejects a zero rise time', () => {
    expect(() => fitBazinToHalfMaximum(0, 10)).toThrow(RangeError);
  });
});

describe('cosmology', () => {
  it('inverts the distance modulus', () => {
    for (const redshift of [0.0005, 0.01, 0.06, 0.3, 1.2]) {
      expect(redshiftForDistanceModulus(distanceModulus(redshift))).toBeCloseTo(redshift, 8);
    }
  });

  it('distance modulus grows with redshift', () => {
    expect(distanceModulus(0.1)).toBeGreaterThan(distanceModulus(0.05));
  });
});

describe('allocateClassCounts', () => {
  it.each([1, 7, 8, 9, 150, 1000])('splits %i objects exactly', (objects) => {
    const counts = allocateClassCounts(objects);
    const total = SIMULATED_CLASSES.reduce((sum, name) => sum + counts[name], 0);
    expect(total).toBe(objects);
    for (const name of SIMULATED_CLASSES) expect(counts[name]).toBeGreaterThanOrEqual(0);
  });

  it('includes every class from eight objects', () => {
    const counts = allocateClassCounts(8);
    for (const name of SIMULATED_CLASSES) expect(counts[name]).toBeGreaterThanOrEqual(1);
  });

  it('makes Ia the most common class', () => {
    const counts = allocateClassCounts(200);
    for (const name of SIMULATED_CLASSES.filter((other) => other !== 'Ia')) {
      expect(counts.Ia).toBeGreaterThan(counts[name]);
    }
  });
});

describe('observeSource', () => {
  const limitMag = 20.5;
  const constantSource: SimulatedSource = {
    class: 'Ia',
    redshift: 0.05,
    peakMag: limitMag,
    peakMjd: 61000,
    ra: 150,
    dec: 20,
    context: { sgscore1: 0.1, distpsnr1: 1, magnr: 20, distnr: 1, ssdistnr: -999, ssmagnr: -999, ssnamenr: null, reliability: 'real' },
    differenceFlux: () => magnitudeToMicrojansky(limitMag),
  };
  const exposures = Array.from({ length: 400 }, (_, i) => exposureAt(61000 + i * 0.05, i % 2 === 0 ? 1 : 2, limitMag));
  const observations = observeSource(new SeededRandom(11), constantSource, exposures);

  it('turns points at the limit into both outcomes', () => {
    expect(observations.some((observation) => observation.detected)).toBe(true);
    expect(observations.some((observation) => !observation.detected)).toBe(true);
  });

  it('makes non-detections fainter than the limit', () => {
    for (const observation of observations.filter((item) => !item.detected)) {
      expect(observation.magpsf).toBeGreaterThan(observation.exposure.diffmaglim);
    }
  });

  it('makes detections no fainter than the limit', () => {
    for (const observation of observations.filter((item) => item.detected)) {
      expect(observation.magpsf).toBeLessThanOrEqual(observation.exposure.diffmaglim);
    }
  });

  it('gives sigmapsf as 1.0857 over the SNR', () => {
    for (const observation of observations) {
      const snr = Math.abs(observation.flux) / observation.fluxError;
      expect(observation.sigmapsf).toBeCloseTo(1.0857 / snr, 3);
    }
  });
});

describe('simulateTransient', () => {
  const field: SimulatedField = {
    fieldId: 500,
    raCentre: 150,
    decCentre: 20,
    exposures: [exposureAt(61100.2, 1), exposureAt(61100.25, 2)],
  };

  it('reddens g − r after peak', () => {
    for (let index = 0; index < 20; index += 1) {
      const source = simulateTransient(streamRandom(3, 'colour', index), 'Ia', field, 61100);
      const colourAt = (mjd: number) => {
        const g = source.differenceFlux(exposureAt(mjd, 1));
        const r = source.differenceFlux(exposureAt(mjd, 2));
        return -2.5 * Math.log10(g / r);
      };
      const restDays = 25 * (1 + source.redshift);
      expect(colourAt(source.peakMjd + restDays)).toBeGreaterThan(colourAt(source.peakMjd) + 0.5);
    }
  });

  it('is brightest in r at its peak time', () => {
    const source = simulateTransient(streamRandom(3, 'peak', 0), 'II', field, 61100);
    const peakFlux = source.differenceFlux(exposureAt(source.peakMjd, 2));
    expect(-2.5 * Math.log10(peakFlux) + 23.9).toBeCloseTo(source.peakMag, 6);
    expect(source.differenceFlux(exposureAt(source.peakMjd - 1, 2))).toBeLessThan(peakFlux);
    expect(source.differenceFlux(exposureAt(source.peakMjd + 1, 2))).toBeLessThan(peakFlux);
  });

  it('has no flux long before peak', () => {
    const source = simulateTransient(streamRandom(3, 'onset', 0), 'Ia', field, 61100);
    expect(source.differenceFlux(exposureAt(source.peakMjd - 200, 2))).toBe(0);
  });
});

describe('random streams', () => {
  it('repeat for the same key', () => {
    const a = streamRandom(5, 'object-Ia', 3);
    const b = streamRandom(5, 'object-Ia', 3);
    for (let i = 0; i < 10; i += 1) expect(a.next()).toBe(b.next());
  });

  it('differ between keys', () => {
    expect(streamRandom(5, 'object-Ia', 3).next()).not.toBe(streamRandom(5, 'object-Ia', 4).next());
    expect(streamRandom(5, 'object-Ia', 3).next()).not.toBe(streamRandom(6, 'object-Ia', 3).next());
  });
});

describe('processingId', () => {
  it('follows the public pid layout', () => {
    const pid = processingId(exposureAt(58493.2607639, 2), 63);
    expect(pid).toBe(739_26076_63_15n);
  });
});
