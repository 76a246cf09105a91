import type { Detection, ForcedPhotometry, NonDetection } from '@lightbridge/alerts';
import type { LightCurve } from '@lightbridge/lightcurve';

/** AB magnitude of 1 µJy: m = 23.9 − 2.5 log10(f / µJy). */
export const MICROJANSKY_ZERO_POINT = 23.9;

const LN10_OVER_2_5 = Math.LN10 / 2.5;

/** Flux in µJy of an AB magnitude. */
export function magnitudeToMicrojansky(mag: number): number {
  return 10 ** (-0.4 * (mag - MICROJANSKY_ZERO_POINT));
}

/** 1σ flux error in µJy from a flux and its magnitude error (first-order propagation). */
export function magnitudeErrorToFluxError(flux: number, magErr: number): number {
  return Math.abs(flux) * magErr * LN10_OVER_2_5;
}

/** AB magnitude of |flux| in µJy, or NaN for a zero flux. */
export function microjanskyToMagnitude(flux: number): number {
  return flux === 0 ? Number.NaN : MICROJANSKY_ZERO_POINT - 2.5 * Math.log10(Math.abs(flux));
}

/** 1σ magnitude error from a flux and its error in the same unit. */
export function fluxErrorToMagnitudeError(flux: number, fluxErr: number): number {
  return flux === 0 ? Number.NaN : fluxErr / (Math.abs(flux) * LN10_OVER_2_5);
}

/** Scale from a flux at AB zero point `zeroPoint` to µJy (for example SNANA FLUXCAL, zero point 27.5). */
export function zeroPointToMicrojanskyScale(zeroPoint: number): number {
  return 10 ** (-0.4 * (zeroPoint - MICROJANSKY_ZERO_POINT));
}

interface Timed {
  mjd: number;
  band: string;
}

/**
 * Sorts points by MJD then band, keeping file order among equal keys, and drops every point after
 * the first at the same MJD and band. Returns the number dropped.
 */
export function sortAndDeduplicate<T extends Timed>(points: T[]): number {
  points.sort((a, b) => a.mjd - b.mjd || compareText(a.band, b.band));

  let kept = 0;
  for (const point of points) {
    const previous = kept > 0 ? points[kept - 1] : undefined;
    if (previous !== undefined && previous.mjd === point.mjd && previous.band === point.band) {
      continue;
    }
    points[kept] = point;
    kept += 1;
  }
  const dropped = points.length - kept;
  points.length = kept;
  return dropped;
}

function compareText(a: string, b: string): number {
  if (a === b) {
    return 0;
  }
  return a < b ? -1 : 1;
}

/** The parts of a light curve a table reader collects, in file order. */
export interface CollectedPhotometry {
  detections: Detection[];
  nonDetections: NonDetection[];
  forcedPhotometry: ForcedPhotometry[];
}

/** Number of duplicate points dropped from each list of a light curve. */
export interface DroppedCounts {
  detections: number;
  nonDetections: number;
  forcedPhotometry: number;
}

/**
 * Builds a LightCurve from points in file order: each list sorted and deduplicated, and no alerts
 * merged (table data sets have no alert packets).
 */
export function buildLightCurve(
  survey: string,
  objectId: string,
  photometry: CollectedPhotometry,
): { lightCurve: LightCurve; dropped: DroppedCounts } {
  const dropped: DroppedCounts = {
    detections: sortAndDeduplicate(photometry.detections),
    nonDetections: sortAndDeduplicate(photometry.nonDetections),
    forcedPhotometry: sortAndDeduplicate(photometry.forcedPhotometry),
  };

  const lightCurve: LightCurve = {
    survey,
    objectId,
    detections: photometry.detections,
    nonDetections: photometry.nonDetections,
    forcedPhotometry: photometry.forcedPhotometry,
    alertIds: [],
  };
  return { lightCurve, dropped };
}
