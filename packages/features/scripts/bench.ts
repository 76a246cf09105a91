/**
 * Measures extraction throughput on a 60-point light curve (30 g, 30 r detections of a
 * Bazin-shaped transient with Gaussian noise) and prints extractions per second.
 *
 * Run from the repository root: node --import tsx packages/features/scripts/bench.ts
 */

import type { Detection } from '@lightbridge/alerts';
import type { LightCurve } from '@lightbridge/lightcurve';

import { BazinFitter, type BazinResult, ZTF_FEATURES } from '../src/index.ts';

const POINTS_PER_BAND = 30;
const MEASURE_SECONDS = 2;

/**
 * Returns a deterministic source of uniform numbers in [0, 1), a 32-bit linear congruential
 * generator with the Numerical Recipes constants, so every run measures the same input.
 */
function uniformSource(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 4294967296;
  };
}

/** Returns a source of standard normal numbers by the Box–Muller transform. */
function gaussianSource(uniform: () => number): () => number {
  return () => Math.sqrt(-2 * Math.log(1 - uniform())) * Math.cos(2 * Math.PI * uniform());
}

function buildLightCurve(): LightCurve {
  const gaussian = gaussianSource(uniformSource(42));
  const detections: Detection[] = [];

  for (let i = 0; i < POINTS_PER_BAND; i++) {
    for (const [band, offset, amplitude] of [['g', 0, 400], ['r', 0.6, 600]] as const) {
      const t = 2 * i + offset;
      const model = (amplitude * Math.exp(-(t - 15) / 30)) / (1 + Math.exp(-(t - 15) / 4));
      const fluxErr = 15;
      const flux = model + fluxErr * gaussian();
      detections.push({
        sourceId: `${band}${i}`,
        mjd: 60000 + t,
        band,
        flux,
        fluxErr,
        mag: flux > 0 ? 23.9 - 2.5 * Math.log10(flux) : NaN,
        magErr: flux > 0 ? (2.5 / Math.LN10) * (fluxErr / flux) : NaN,
        isDiffPos: flux >= 0,
        rb: 0.9,
        drb: 0.9,
      });
    }
  }
  detections.sort((a, b) => a.mjd - b.mjd);

  return { survey: 'bench', objectId: 'BENCH1', detections, nonDetections: [], forcedPhotometry: [], alertIds: [] };
}

/** Calls `work` repeatedly for about MEASURE_SECONDS after a warm-up and returns the calls per second. */
function measure(work: () => void): number {
  for (let i = 0; i < 2000; i++) {
    work();
  }

  let calls = 0;
  const start = process.hrtime.bigint();
  let elapsedSeconds = 0;
  while (elapsedSeconds < MEASURE_SECONDS) {
    for (let i = 0; i < 200; i++) {
      work();
    }
    calls += 200;
    elapsedSeconds = Number(process.hrtime.bigint() - start) / 1e9;
  }
  return calls / elapsedSeconds;
}

function main(): void {
  const lightCurve = buildLightCurve();
  const untilMjd = lightCurve.detections[lightCurve.detections.length - 1].mjd;
  const out = new Float64Array(ZTF_FEATURES.names.length);

  const extractionsPerSecond = measure(() => {
    ZTF_FEATURES.extract(lightCurve, undefined, untilMjd, out);
  });

  const g = lightCurve.detections.filter((detection) => detection.band === 'g');
  const mjd = Float64Array.from(g, (detection) => detection.mjd);
  const flux = Float64Array.from(g, (detection) => detection.flux);
  const fluxErr = Float64Array.from(g, (detection) => detection.fluxErr);
  const fitter = new BazinFitter();
  const result: BazinResult = { amplitude: 0, baseline: 0, t0: 0, rise: 0, fall: 0, reducedChi2: 0 };
  const fitsPerSecond = measure(() => {
    fitter.fit(mjd, flux, fluxErr, mjd.length, mjd[0], result);
  });

  console.log(`light curve: ${lightCurve.detections.length} detections (g, r), ${out.length} features`);
  console.log(`extract: ${Math.round(extractionsPerSecond)} light curves/s, ${(1e6 / extractionsPerSecond).toFixed(1)} µs each`);
  console.log(`extract: ${Math.round(extractionsPerSecond * out.length)} feature values/s`);
  console.log(`Bazin fit of one ${mjd.length}-point band: ${(1e6 / fitsPerSecond).toFixed(1)} µs`);
  console.log(`node ${process.version} on ${process.platform}/${process.arch}`);
}

main();
