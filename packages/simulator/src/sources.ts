import type { Exposure, SimulatedField } from './cadence.ts';
import type { ImpostorClass, SimulatedClass, TransientClass, TransientParameters } from './classes.ts';
import { TDE_SHARE_OF_OTHER, TRANSIENT_PARAMETERS } from './classes.ts';
import { redshiftForDistanceModulus } from './cosmology.ts';
import { crossingU, fitBazinToHalfMaximum, relativeFlux } from './lightcurve-model.ts';
import type { SeededRandom } from './random.ts';

/** Catalogue context of a position: its Pan-STARRS1, reference-image and Minor Planet Center neighbours. */
export interface SourceContext {
  /** Star/galaxy score of the nearest Pan-STARRS1 source, 0 galaxy … 1 star. */
  sgscore1: number;
  /** Distance to the nearest Pan-STARRS1 source, in arcsec. */
  distpsnr1: number;
  /** Magnitude of the nearest source in the reference image. */
  magnr: number;
  /** Distance to the nearest source in the reference image, in pixels (1 pixel is 1.01 arcsec). */
  distnr: number;
  /** Distance to the nearest known solar-system object in arcsec, −999 when there is none. */
  ssdistnr: number;
  /** Magnitude of that object, −999 when there is none. */
  ssmagnr: number;
  ssnamenr: string | null;
  /** Range of the real/bogus scores rb and drb for this source's detections. */
  reliability: 'real' | 'bogus';
}

/** One simulated object: its truth and its difference flux in any exposure. */
export interface SimulatedSource {
  class: SimulatedClass;
  redshift: number;
  /** Brightest apparent magnitude of the model (r band for transients). */
  peakMag: number;
  peakMjd: number;
  ra: number;
  dec: number;
  context: SourceContext;
  /** True difference-image flux in µJy (science minus reference, so negative when fainter than the reference). */
  differenceFlux(exposure: Exposure): number;
}

/** Apparent peak magnitudes are drawn uniformly in this range, so both bright and faint objects occur. */
const PEAK_MAG_RANGE = { min: 17, max: 21 };
/** Onsets fall within this many days before the night, or longer for transients that rise more slowly. */
const EXPLOSION_WINDOW_DAYS = 40;
/** Extra days after peak in the onset window of slow risers, so that they too can be seen fading. */
const SLOW_RISER_MARGIN_DAYS = 20;
/**
 * An onset is redrawn until the model is brighter than this on the night, or within 0.3 mag of
 * its peak for objects whose peak is fainter: 0.2 mag above the median 5σ limit of 20.5.
 */
const DETECTABLE_TONIGHT_MAG = 20.3;
const EXPLOSION_DRAWS = 30;
/** The model starts at 1% of peak flux (5 mag below peak); flux is 0 before that onset. */
const ONSET_FRACTION = 0.01;
const AB_ZERO_POINT_UJY = 23.9;
const NO_SOLAR_SYSTEM_OBJECT = -999;

export function magnitudeToMicrojansky(mag: number): number {
  return 10 ** (-0.4 * (mag - AB_ZERO_POINT_UJY));
}

/**
 * Simulates a supernova-like transient of one class, with its onset within the 40 days before
 * the night (longer for slow risers) and a redshift that puts its apparent peak at 17 to 21 mag.
 * NOTE: there is no K-correction, so the redshift only sets distance and time dilation.
 */
export function simulateTransient(random: SeededRandom, transientClass: TransientClass, field: SimulatedField, nightMjd: number): SimulatedSource {
  let kind: keyof typeof TRANSIENT_PARAMETERS = transientClass === 'other' ? 'nova' : transientClass;
  if (transientClass === 'other' && random.chance(TDE_SHARE_OF_OTHER)) kind = 'TDE';
  const parameters = TRANSIENT_PARAMETERS[kind];

  const absoluteMag = random.normal(parameters.peakAbsMag.median, parameters.peakAbsMag.sigma);
  const peakMag = random.uniform(PEAK_MAG_RANGE.min, PEAK_MAG_RANGE.max);
  const redshift = redshiftForDistanceModulus(peakMag - absoluteMag);
  const dilation = 1 + redshift;

  const riseDays = clamp(random.logNormal(parameters.riseDays.median, parameters.riseDays.lnSigma), 0.3, 150) * dilation;
  const fadeDays = clamp(random.logNormal(parameters.fadeDays.median, parameters.fadeDays.lnSigma), 0.5, 300) * dilation;
  const { shape, tauFallDays } = fitBazinToHalfMaximum(riseDays, fadeDays);
  const onsetToPeakDays = (shape.peakU - crossingU(shape, ONSET_FRACTION, -1)) * tauFallDays;
  const colourOffset = random.normal(0, 0.08);

  const rMagAt = (mjd: number, peakMjd: number): number | undefined => {
    if (mjd < peakMjd - onsetToPeakDays) return undefined;
    return peakMag - 2.5 * Math.log10(relativeFlux(shape, shape.peakU + (mjd - peakMjd) / tauFallDays));
  };
  const colourAt = (mjd: number, peakMjd: number): number => {
    const restDaysAfterPeak = Math.max(0, mjd - peakMjd) / dilation;
    const reddened = parameters.colourAtPeak + parameters.colourSlopePerDay * restDaysAfterPeak;
    return Math.min(reddened, Math.max(parameters.colourMax, parameters.colourAtPeak)) + colourOffset;
  };

  const peakMjd = drawPeakTime(random, nightMjd, peakMag, onsetToPeakDays, rMagAt, colourAt);

  return {
    class: transientClass,
    redshift,
    peakMag,
    peakMjd,
    ...positionInField(random, field),
    context: hostGalaxyContext(random),
    differenceFlux(exposure) {
      const rMag = rMagAt(exposure.mjd, peakMjd);
      if (rMag === undefined) return 0;
      const mag = exposure.fid === 1 ? rMag + colourAt(exposure.mjd, peakMjd) : rMag;
      return magnitudeToMicrojansky(mag);
    },
  };
}

/**
 * Draws the onset uniformly in the 40 days before the night (longer for slow risers) and returns
 * the peak time, redrawing while the model is too faint in both bands in the middle of the night.
 * Objects too faint on every draw keep the last draw, and most of them produce no alert.
 */
function drawPeakTime(
  random: SeededRandom,
  nightMjd: number,
  peakMag: number,
  onsetToPeakDays: number,
  rMagAt: (mjd: number, peakMjd: number) => number | undefined,
  colourAt: (mjd: number, peakMjd: number) => number,
): number {
  const midNight = nightMjd + 0.3;
  const windowDays = Math.max(EXPLOSION_WINDOW_DAYS, onsetToPeakDays + SLOW_RISER_MARGIN_DAYS);
  const threshold = Math.max(DETECTABLE_TONIGHT_MAG, peakMag + 0.3);
  let peakMjd = nightMjd;
  for (let draw = 0; draw < EXPLOSION_DRAWS; draw += 1) {
    const onsetMjd = random.uniform(nightMjd - windowDays, nightMjd);
    peakMjd = onsetMjd + onsetToPeakDays;
    const rMag = rMagAt(midNight, peakMjd);
    if (rMag === undefined) continue;
    const brightest = Math.min(rMag, rMag + colourAt(midNight, peakMjd));
    if (brightest <= threshold) break;
  }
  return peakMjd;
}

/**
 * Simulates an impostor: a bogus subtraction artefact (one or two detections on the night, low
 * rb and drb), a variable star (on a Pan-STARRS1 star, differences of both signs), or a known
 * asteroid (one detection, ssdistnr a few arcsec).
 */
export function simulateImpostor(random: SeededRandom, impostorClass: ImpostorClass, field: SimulatedField, nightMjd: number): SimulatedSource {
  switch (impostorClass) {
    case 'bogus':
      return simulateBogus(random, field, nightMjd);
    case 'star':
      return simulateVariableStar(random, field, nightMjd);
    case 'asteroid':
      return simulateAsteroid(random, field, nightMjd);
  }
}

/** Exposures of the field taken during the night, in time order. */
function exposuresOfNight(field: SimulatedField, nightMjd: number): Exposure[] {
  return field.exposures.filter((exposure) => exposure.mjd >= nightMjd && exposure.mjd < nightMjd + 1);
}

/**
 * Flux of a one-exposure impostor: 1.6 to `maxFactor` times the image's 5σ limit, so the noise
 * cannot hide it (signal-to-noise 8 and up).
 */
function brightEnoughFlux(random: SeededRandom, exposure: Exposure, maxFactor: number): number {
  return magnitudeToMicrojansky(exposure.diffmaglim) * random.uniform(1.6, maxFactor);
}

function simulateBogus(random: SeededRandom, field: SimulatedField, nightMjd: number): SimulatedSource {
  const tonight = exposuresOfNight(field, nightMjd);
  const count = tonight.length > 1 && random.chance(0.4) ? 2 : 1;
  const start = random.integer(0, tonight.length - count);
  const fluxes = new Map<Exposure, number>();
  for (const exposure of tonight.slice(start, start + count)) {
    fluxes.set(exposure, brightEnoughFlux(random, exposure, 6));
  }

  const [peakExposure, peakFlux] = [...fluxes].reduce((best, entry) => (entry[1] > best[1] ? entry : best));
  return {
    class: 'bogus',
    redshift: 0,
    peakMag: AB_ZERO_POINT_UJY - 2.5 * Math.log10(peakFlux),
    peakMjd: peakExposure.mjd,
    ...positionInField(random, field),
    context: {
      sgscore1: random.uniform(0, 1),
      distpsnr1: random.uniform(1, 20),
      magnr: random.uniform(16, 21),
      distnr: random.uniform(2, 15),
      ssdistnr: NO_SOLAR_SYSTEM_OBJECT,
      ssmagnr: NO_SOLAR_SYSTEM_OBJECT,
      ssnamenr: null,
      reliability: 'bogus',
    },
    differenceFlux: (exposure) => fluxes.get(exposure) ?? 0,
  };
}

/**
 * Simulates a pulsating star whose magnitude varies sinusoidally around its reference magnitude.
 * Its difference flux is positive when it is brighter than the reference and negative when fainter.
 */
function simulateVariableStar(random: SeededRandom, field: SimulatedField, nightMjd: number): SimulatedSource {
  const referenceMag = random.uniform(14.5, 18);
  const amplitudeMag = random.uniform(0.15, 0.9);
  const periodDays = Math.exp(random.uniform(Math.log(0.2), Math.log(60)));
  const phase = random.uniform(0, 2 * Math.PI);
  const referenceFlux = magnitudeToMicrojansky(referenceMag);

  const magnitudeOffset = (mjd: number): number => -amplitudeMag * Math.sin((2 * Math.PI * mjd) / periodDays + phase);
  const cyclesToMaximum = Math.round(((nightMjd + 0.3) / periodDays) + (phase / (2 * Math.PI)) - 0.25);
  const maximumMjd = ((cyclesToMaximum + 0.25) * 2 * Math.PI - phase) * periodDays / (2 * Math.PI);

  return {
    class: 'star',
    redshift: 0,
    peakMag: referenceMag - amplitudeMag,
    peakMjd: maximumMjd,
    ...positionInField(random, field),
    context: {
      sgscore1: random.uniform(0.95, 1),
      distpsnr1: random.uniform(0.02, 0.8),
      magnr: referenceMag,
      distnr: random.uniform(0.05, 0.6),
      ssdistnr: NO_SOLAR_SYSTEM_OBJECT,
      ssmagnr: NO_SOLAR_SYSTEM_OBJECT,
      ssnamenr: null,
      reliability: 'real',
    },
    differenceFlux: (exposure) => referenceFlux * (10 ** (-0.4 * magnitudeOffset(exposure.mjd)) - 1),
  };
}

function simulateAsteroid(random: SeededRandom, field: SimulatedField, nightMjd: number): SimulatedSource {
  const exposure = random.pick(exposuresOfNight(field, nightMjd));
  const flux = brightEnoughFlux(random, exposure, 10);
  const mag = AB_ZERO_POINT_UJY - 2.5 * Math.log10(flux);

  return {
    class: 'asteroid',
    redshift: 0,
    peakMag: mag,
    peakMjd: exposure.mjd,
    ...positionInField(random, field),
    context: {
      sgscore1: random.uniform(0, 1),
      distpsnr1: random.uniform(3, 25),
      magnr: random.uniform(16, 21),
      distnr: random.uniform(3, 25),
      ssdistnr: random.uniform(0.3, 4),
      ssmagnr: mag + random.normal(0, 0.3),
      ssnamenr: String(random.integer(1000, 700_000)),
      reliability: 'real',
    },
    differenceFlux: (other) => (other === exposure ? flux : 0),
  };
}

/** Draws the context of a transient in a galaxy, whose nearest Pan-STARRS1 source is the host, at most 4 arcsec away. */
function hostGalaxyContext(random: SeededRandom): SourceContext {
  const offsetArcsec = Math.exp(random.uniform(Math.log(0.2), Math.log(4)));
  return {
    sgscore1: random.uniform(0, 0.3),
    distpsnr1: offsetArcsec,
    magnr: random.uniform(17.5, 21.5),
    distnr: offsetArcsec / 1.01,
    ssdistnr: NO_SOLAR_SYSTEM_OBJECT,
    ssmagnr: NO_SOLAR_SYSTEM_OBJECT,
    ssnamenr: null,
    reliability: 'real',
  };
}

/** Draws a position within the field's 7 × 7 degree footprint. */
function positionInField(random: SeededRandom, field: SimulatedField): { ra: number; dec: number } {
  const dec = clamp(field.decCentre + random.uniform(-3.5, 3.5), -89.9, 89.9);
  const ra = field.raCentre + random.uniform(-3.5, 3.5) / Math.cos((dec * Math.PI) / 180);
  return { ra: ((ra % 360) + 360) % 360, dec };
}

function clamp(value: number, min: number, max: number): number {
  return Math.min(max, Math.max(min, value));
}

