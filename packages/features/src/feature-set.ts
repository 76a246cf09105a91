import type { AlertContext } from '@lightbridge/alerts';
import type { LightCurve } from '@lightbridge/lightcurve';

import { BandPoints } from './band-points.ts';
import { BazinFitter, type BazinResult } from './bazin.ts';
import {
  BAND_BLOCK_SIZE,
  BAND_OFFSET as BO,
  buildDefinitions,
  COLOUR_WINDOW_DAYS,
  CONTEXT_OFFSET as CO,
  CROSS_OFFSET as XO,
  FEATURE_LIST_VERSION,
  type FeatureDefinition,
  type FeatureLayout,
  STETSON_PAIR_WINDOW_DAYS,
} from './definitions.ts';
import {
  amplitude,
  argMax,
  excessVariance,
  fluxToMag,
  magnitudeSlope,
  maxMagnitudeSlope,
  meanSnr,
  nearestPositive,
  sampleVariance,
  skewness,
  stetsonDelta,
  stetsonK,
  weightedMean,
} from './stats.ts';

export interface FeatureSet {
  /** Identifies the ordered feature list, e.g. "lightbridge-features/1 bands=g,r"; changes whenever a definition or the order changes. */
  readonly version: string;
  readonly bands: readonly string[];
  readonly definitions: readonly FeatureDefinition[];
  readonly names: readonly string[];
  /**
   * Computes every feature from the points with mjd <= untilMjd. Writes into `out` when given
   * (length names.length), else allocates. Missing values are NaN, never 0. Counts are 0 when
   * nothing was seen.
   */
  extract(lightCurve: LightCurve, context: AlertContext | undefined, untilMjd: number, out?: Float64Array): Float64Array;
}

const BAND_NAME = /^[A-Za-z0-9]+$/;

/**
 * Creates the feature set over `bands`, in that order; adjacent bands form the colour pairs, so
 * pass them from blue to red. Throws when the list is empty, repeats a band or has a name that
 * is not alphanumeric.
 */
export function createFeatureSet(bands: readonly string[]): FeatureSet {
  if (bands.length === 0) {
    throw new Error('createFeatureSet: the band list is empty; pass at least one band, e.g. ["g", "r"]');
  }
  for (const band of bands) {
    if (!BAND_NAME.test(band)) {
      throw new Error(`createFeatureSet: invalid band name ${JSON.stringify(band)}; use letters and digits only`);
    }
  }
  if (new Set(bands).size !== bands.length) {
    throw new Error(`createFeatureSet: the band list ${JSON.stringify(bands)} repeats a band; list each band once`);
  }

  return new LightCurveFeatures(bands);
}

/**
 * The extractor behind a FeatureSet. It keeps scratch buffers between calls so that an extraction
 * into a given `out` allocates almost nothing; calls are synchronous, so sharing them is safe.
 */
class LightCurveFeatures implements FeatureSet {
  readonly version: string;
  readonly bands: readonly string[];
  readonly definitions: readonly FeatureDefinition[];
  readonly names: readonly string[];

  private readonly layout: FeatureLayout;
  private readonly points: BandPoints[];
  private readonly fitter = new BazinFitter();
  private readonly bazin: BazinResult = { amplitude: 0, baseline: 0, t0: 0, rise: 0, fall: 0, reducedChi2: 0 };

  /** Per band: time of the last non-detection before the band's first detection, and its limit. */
  private readonly lastNondetMjd: Float64Array;
  private readonly lastNondetLimit: Float64Array;

  /** All detections in the set's bands in time order, for Stetson J. */
  private mergedBand = new Int32Array(64);
  private mergedMjd = new Float64Array(64);
  private mergedDelta = new Float64Array(64);
  private mergedPaired = new Uint8Array(64);
  private mergedCount = 0;

  constructor(bands: readonly string[]) {
    const { definitions, layout } = buildDefinitions(bands);
    this.bands = Object.freeze([...bands]);
    this.definitions = Object.freeze(definitions.map((definition) => Object.freeze(definition)));
    this.names = Object.freeze(definitions.map((definition) => definition.name));
    this.version = `lightbridge-features/${FEATURE_LIST_VERSION} bands=${bands.join(',')}`;
    this.layout = layout;
    this.points = bands.map(() => new BandPoints());
    this.lastNondetMjd = new Float64Array(bands.length);
    this.lastNondetLimit = new Float64Array(bands.length);
  }

  extract(lightCurve: LightCurve, context: AlertContext | undefined, untilMjd: number, out?: Float64Array): Float64Array {
    if (!Number.isFinite(untilMjd)) {
      throw new Error(`extract: untilMjd ${untilMjd} is not a finite MJD; pass the time of the alert being classified`);
    }
    if (out !== undefined && out.length !== this.layout.length) {
      throw new Error(
        `extract: the output buffer has length ${out.length} but the feature set has ${this.layout.length} features; ` +
          'allocate it with names.length',
      );
    }
    const values = out ?? new Float64Array(this.layout.length);
    values.fill(NaN);

    this.collectDetections(lightCurve, untilMjd);
    const firstMjd = this.firstDetectionMjd();
    const nondetCount = this.collectNonDetections(lightCurve, untilMjd);

    for (let b = 0; b < this.bands.length; b++) {
      this.writeBandFeatures(b, firstMjd, values);
    }
    this.writeCrossBandFeatures(firstMjd, nondetCount, untilMjd, values);
    this.writeColours(values);
    this.writeContext(context, values);
    return values;
  }

  /**
   * Splits the detections with mjd <= untilMjd into the bands of the set. Points in other bands,
   * and points with a non-finite flux or a flux error that is not positive, are ignored.
   * TODO: use forced photometry for the flux before the first detection once the store fills it.
   */
  private collectDetections(lightCurve: LightCurve, untilMjd: number): void {
    for (const points of this.points) {
      points.clear();
    }
    this.mergedCount = 0;

    const detections = lightCurve.detections;
    let previousMjd = -Infinity;
    for (let i = 0; i < detections.length; i++) {
      const detection = detections[i];
      if (detection.mjd < previousMjd) {
        throw new Error(
          `extract: detections of ${lightCurve.objectId} are not sorted by mjd (index ${i}, mjd ${detection.mjd} ` +
            `after ${previousMjd}); sort the light curve before extracting`,
        );
      }
      previousMjd = detection.mjd;

      if (!(detection.mjd <= untilMjd) || !Number.isFinite(detection.flux) || !(detection.fluxErr > 0)) {
        continue;
      }
      const band = this.bandIndex(detection.band);
      if (band < 0 || !Number.isFinite(detection.fluxErr)) {
        continue;
      }

      this.pushMerged(band, detection.mjd);
      this.points[band].push(detection.mjd, detection.flux, detection.fluxErr, this.mergedCount - 1);
    }
  }

  /** Records, per band, the last non-detection before the band's first detection; returns the count kept. */
  private collectNonDetections(lightCurve: LightCurve, untilMjd: number): number {
    this.lastNondetMjd.fill(NaN);
    this.lastNondetLimit.fill(NaN);

    let count = 0;
    for (const nonDetection of lightCurve.nonDetections) {
      const band = this.bandIndex(nonDetection.band);
      if (band < 0 || !(nonDetection.mjd <= untilMjd)) {
        continue;
      }
      count++;

      const points = this.points[band];
      const beforeFirst = points.count > 0 && nonDetection.mjd < points.mjd[0];
      const latest = !(nonDetection.mjd < this.lastNondetMjd[band]);
      if (beforeFirst && latest) {
        this.lastNondetMjd[band] = nonDetection.mjd;
        this.lastNondetLimit[band] = nonDetection.limitingMag;
      }
    }
    return count;
  }

  private writeBandFeatures(b: number, firstMjd: number, values: Float64Array): void {
    const base = this.layout.bandStart + b * BAND_BLOCK_SIZE;
    const { mjd, flux, fluxErr, count: n } = this.points[b];

    values[base + BO.n_det] = n;
    if (n === 0) {
      return;
    }

    const peak = argMax(flux, n);
    values[base + BO.span] = n >= 2 ? mjd[n - 1] - mjd[0] : NaN;
    values[base + BO.amplitude] = amplitude(flux, n);
    values[base + BO.peak_flux] = flux[peak];
    values[base + BO.peak_mag] = fluxToMag(flux[peak]);
    values[base + BO.peak_time] = mjd[peak] - firstMjd;
    values[base + BO.last_mag] = fluxToMag(flux[n - 1]);
    values[base + BO.rise_rate] = -magnitudeSlope(mjd, flux, 0, peak);
    values[base + BO.decline_rate] = magnitudeSlope(mjd, flux, peak, n - 1);

    values[base + BO.std] = Math.sqrt(sampleVariance(flux, n));
    values[base + BO.skew] = skewness(flux, n);
    values[base + BO.excess_var] = excessVariance(flux, fluxErr, n);
    values[base + BO.stetson_k] = stetsonK(flux, fluxErr, n);
    values[base + BO.mean_snr] = meanSnr(flux, fluxErr, n);

    values[base + BO.last_nondet_gap] = mjd[0] - this.lastNondetMjd[b];
    values[base + BO.limit_minus_first_mag] = this.lastNondetLimit[b] - fluxToMag(flux[0]);

    if (this.fitter.fit(mjd, flux, fluxErr, n, firstMjd, this.bazin)) {
      values[base + BO.bazin_amplitude] = this.bazin.amplitude;
      values[base + BO.bazin_t0] = this.bazin.t0;
      values[base + BO.bazin_rise] = this.bazin.rise;
      values[base + BO.bazin_fall] = this.bazin.fall;
      values[base + BO.bazin_chi2] = this.bazin.reducedChi2;
    }
  }

  private writeCrossBandFeatures(firstMjd: number, nondetCount: number, untilMjd: number, values: Float64Array): void {
    const base = this.layout.crossStart;
    const n = this.mergedCount;

    values[base + XO.n_det] = n;
    values[base + XO.n_nondet] = nondetCount;
    if (n === 0) {
      return;
    }

    values[base + XO.span] = n >= 2 ? this.mergedMjd[n - 1] - firstMjd : NaN;
    values[base + XO.age] = untilMjd - firstMjd;
    values[base + XO.stetson_j] = this.stetsonJ();

    let negative = 0;
    let maxSlope = NaN;
    for (const points of this.points) {
      for (let i = 0; i < points.count; i++) {
        if (points.flux[i] < 0) {
          negative++;
        }
      }
      const slope = maxMagnitudeSlope(points.mjd, points.flux, points.count);
      if (!(slope <= maxSlope)) {
        maxSlope = slope;
      }
    }
    values[base + XO.frac_negative] = negative / n;
    values[base + XO.max_slope] = maxSlope;
  }

  /** Writes the colour at the red band's peak and the colour at the last epoch for each adjacent pair. */
  private writeColours(values: Float64Array): void {
    for (let pair = 0; pair + 1 < this.bands.length; pair++) {
      const blue = this.points[pair];
      const red = this.points[pair + 1];
      const offset = this.layout.colourStart + 2 * pair;
      values[offset] = colourAtRedPeak(blue, red);
      values[offset + 1] = colourAtLastEpoch(blue, red);
    }
  }

  /** Copies the context fields; negative values are survey sentinels for "absent" (ZTF writes −999). */
  private writeContext(context: AlertContext | undefined, values: Float64Array): void {
    if (context === undefined) {
      return;
    }

    const base = this.layout.contextStart;
    values[base + CO.ctx_rb] = nonNegativeOrNaN(context.rb);
    values[base + CO.ctx_drb] = nonNegativeOrNaN(context.drb);
    values[base + CO.ctx_sgscore1] = nonNegativeOrNaN(context.sgscore1);
    values[base + CO.ctx_distpsnr1] = nonNegativeOrNaN(context.distpsnr1);
    values[base + CO.ctx_ssdistnr] = nonNegativeOrNaN(context.ssdistnr);
    values[base + CO.ctx_ndethist] = nonNegativeOrNaN(context.ndethist);
  }

  /**
   * Returns Stetson J = mean over pairs of sign(δ_i δ_j) · sqrt(|δ_i δ_j|). First, each point is
   * paired with the next unpaired point of another band within one hour. Then the remaining points
   * of each band are paired in time order: 1st with 2nd, 3rd with 4th, and so on. δ uses the band's
   * own weighted mean, so bands of different brightness can be paired.
   */
  private stetsonJ(): number {
    const total = this.mergedCount;
    for (const points of this.points) {
      const centre = weightedMean(points.flux, points.fluxErr, points.count);
      for (let i = 0; i < points.count; i++) {
        this.mergedDelta[points.order[i]] = stetsonDelta(points.flux[i], points.fluxErr[i], centre, points.count);
      }
    }
    this.mergedPaired.fill(0, 0, total);

    let sum = 0;
    let pairs = 0;
    for (let i = 0; i < total; i++) {
      if (this.mergedPaired[i] || Number.isNaN(this.mergedDelta[i])) {
        continue;
      }
      for (let j = i + 1; j < total && this.mergedMjd[j] - this.mergedMjd[i] <= STETSON_PAIR_WINDOW_DAYS; j++) {
        if (this.mergedPaired[j] || this.mergedBand[j] === this.mergedBand[i] || Number.isNaN(this.mergedDelta[j])) {
          continue;
        }
        this.mergedPaired[i] = 1;
        this.mergedPaired[j] = 1;
        sum += signedRoot(this.mergedDelta[i] * this.mergedDelta[j]);
        pairs++;
        break;
      }
    }

    for (const points of this.points) {
      let waiting = -1;
      for (let i = 0; i < points.count; i++) {
        const k = points.order[i];
        if (this.mergedPaired[k] || Number.isNaN(this.mergedDelta[k])) {
          continue;
        }
        if (waiting < 0) {
          waiting = k;
          continue;
        }
        sum += signedRoot(this.mergedDelta[waiting] * this.mergedDelta[k]);
        pairs++;
        waiting = -1;
      }
    }

    return pairs > 0 ? sum / pairs : NaN;
  }

  private firstDetectionMjd(): number {
    return this.mergedCount > 0 ? this.mergedMjd[0] : NaN;
  }

  private bandIndex(band: string): number {
    for (let b = 0; b < this.bands.length; b++) {
      if (this.bands[b] === band) {
        return b;
      }
    }
    return -1;
  }

  private pushMerged(band: number, mjd: number): void {
    if (this.mergedCount === this.mergedMjd.length) {
      const capacity = 2 * this.mergedMjd.length;
      const grownBand = new Int32Array(capacity);
      grownBand.set(this.mergedBand);
      const grownMjd = new Float64Array(capacity);
      grownMjd.set(this.mergedMjd);
      this.mergedBand = grownBand;
      this.mergedMjd = grownMjd;
      this.mergedDelta = new Float64Array(capacity);
      this.mergedPaired = new Uint8Array(capacity);
    }

    this.mergedBand[this.mergedCount] = band;
    this.mergedMjd[this.mergedCount] = mjd;
    this.mergedCount++;
  }
}

function colourAtRedPeak(blue: BandPoints, red: BandPoints): number {
  if (red.count === 0) {
    return NaN;
  }

  const peak = argMax(red.flux, red.count);
  const partner = nearestPositive(blue.mjd, blue.flux, blue.count, red.mjd[peak], COLOUR_WINDOW_DAYS);
  if (partner < 0) {
    return NaN;
  }
  return fluxToMag(blue.flux[partner]) - fluxToMag(red.flux[peak]);
}

/**
 * Returns the colour at the latest positive-flux detection of either band, the red one on equal
 * times, using the other band's nearest positive-flux detection within the colour window.
 */
function colourAtLastEpoch(blue: BandPoints, red: BandPoints): number {
  const lastBlue = lastPositive(blue);
  const lastRed = lastPositive(red);
  if (lastBlue < 0 || lastRed < 0) {
    return NaN;
  }

  if (red.mjd[lastRed] >= blue.mjd[lastBlue]) {
    const partner = nearestPositive(blue.mjd, blue.flux, blue.count, red.mjd[lastRed], COLOUR_WINDOW_DAYS);
    return partner < 0 ? NaN : fluxToMag(blue.flux[partner]) - fluxToMag(red.flux[lastRed]);
  }
  const partner = nearestPositive(red.mjd, red.flux, red.count, blue.mjd[lastBlue], COLOUR_WINDOW_DAYS);
  return partner < 0 ? NaN : fluxToMag(blue.flux[lastBlue]) - fluxToMag(red.flux[partner]);
}

function lastPositive(points: BandPoints): number {
  for (let i = points.count - 1; i >= 0; i--) {
    if (points.flux[i] > 0) {
      return i;
    }
  }
  return -1;
}

function signedRoot(product: number): number {
  return Math.sign(product) * Math.sqrt(Math.abs(product));
}

function nonNegativeOrNaN(value: number): number {
  return value >= 0 ? value : NaN;
}
