import type { Exposure } from './cadence.ts';
import type { SimulatedSource } from './sources.ts';
import { magnitudeToMicrojansky } from './sources.ts';
import type { SeededRandom } from './random.ts';

/** One exposure of a source: a detection with photometry, or a non-detection (upper limit). */
export interface Observation {
  exposure: Exposure;
  /** Model difference flux in µJy, before noise. */
  trueFlux: number;
  /** Measured difference flux in µJy, with noise. */
  flux: number;
  /** 1σ flux uncertainty in µJy. */
  fluxError: number;
  /** True when |flux| reaches the image's 5σ limit, i.e. when the point is not fainter than diffmaglim. */
  detected: boolean;
  /** PSF magnitude of |flux|; only meaningful for detections. */
  magpsf: number;
  /** 1.0857 / SNR, the magnitude error of a flux measured with that signal-to-noise ratio. */
  sigmapsf: number;
  isdiffpos: 't' | 'f';
  rb: number;
  drb: number;
  /** Measured position, scattered by the astrometric error. */
  ra: number;
  dec: number;
}

/** Fractional flux error added in quadrature to the sky noise, as a calibration floor. */
const CALIBRATION_FLOOR = 0.01;
const ASTROMETRIC_SIGMA_DEG = 0.1 / 3600;
const MAG_PER_LN_FLUX = 2.5 / Math.LN10;

/**
 * Measures a source in each exposure. The sky noise σ is a fifth of the flux at the image's
 * 5σ limit, so the signal-to-noise ratio, and with it sigmapsf, falls as the source gets fainter.
 * A measurement whose |flux| is below the limit becomes a non-detection.
 */
export function observeSource(random: SeededRandom, source: SimulatedSource, exposures: readonly Exposure[]): Observation[] {
  return exposures.map((exposure) => {
    const trueFlux = source.differenceFlux(exposure);
    const limitFlux = magnitudeToMicrojansky(exposure.diffmaglim);
    const fluxError = Math.hypot(limitFlux / 5, CALIBRATION_FLOOR * trueFlux);
    const flux = trueFlux + random.normal(0, fluxError);
    const absoluteFlux = Math.abs(flux);
    const { rb, drb } = drawRealBogusScores(random, source.context.reliability);

    return {
      exposure,
      trueFlux,
      flux,
      fluxError,
      detected: absoluteFlux >= limitFlux,
      magpsf: 23.9 - 2.5 * Math.log10(absoluteFlux),
      sigmapsf: (MAG_PER_LN_FLUX * fluxError) / absoluteFlux,
      isdiffpos: flux >= 0 ? 't' : 'f',
      rb,
      drb,
      ra: source.ra + random.normal(0, ASTROMETRIC_SIGMA_DEG) / Math.cos((source.dec * Math.PI) / 180),
      dec: source.dec + random.normal(0, ASTROMETRIC_SIGMA_DEG),
    };
  });
}

/**
 * Real/bogus scores: real sources mostly score high (rb 0.55–1, drb 0.7–1), artefacts low
 * (rb 0.02–0.3, drb 0–0.15). These ranges are a choice of this simulator, not fitted to ZTF.
 */
function drawRealBogusScores(random: SeededRandom, reliability: 'real' | 'bogus'): { rb: number; drb: number } {
  if (reliability === 'bogus') {
    return { rb: random.uniform(0.02, 0.3), drb: random.uniform(0, 0.15) };
  }
  return { rb: 1 - 0.45 * random.next() ** 2, drb: 1 - 0.3 * random.next() ** 3 };
}
