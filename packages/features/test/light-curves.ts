import type { AlertContext, Detection, NonDetection } from '@lightbridge/alerts';
import type { LightCurve } from '@lightbridge/lightcurve';

/** A detection as [band, mjd, flux µJy, flux error µJy]. */
export type Point = readonly [band: string, mjd: number, flux: number, fluxErr: number];

export function detection([band, mjd, flux, fluxErr]: Point, index = 0): Detection {
  return {
    sourceId: `${band}-${mjd}-${index}`,
    mjd,
    band,
    flux,
    fluxErr,
    mag: flux > 0 ? 23.9 - 2.5 * Math.log10(flux) : NaN,
    magErr: flux > 0 ? (2.5 / Math.LN10) * (fluxErr / flux) : NaN,
    isDiffPos: flux >= 0,
    rb: NaN,
    drb: NaN,
  };
}

export function nonDetection(band: string, mjd: number, limitingMag: number): NonDetection {
  return { band, mjd, limitingMag };
}

/** Builds a light curve, sorting the points by time as the light-curve store does. */
export function lightCurve(points: readonly Point[], nonDetections: readonly NonDetection[] = []): LightCurve {
  const detections = points.map((point, index) => detection(point, index)).sort((a, b) => a.mjd - b.mjd);
  return {
    survey: 'test',
    objectId: 'TEST1',
    detections,
    nonDetections: [...nonDetections].sort((a, b) => a.mjd - b.mjd),
    forcedPhotometry: [],
    alertIds: [],
  };
}

export function context(overrides: Partial<AlertContext> = {}): AlertContext {
  return {
    ra: 150,
    dec: 2,
    rb: 0.9,
    drb: 0.95,
    sgscore1: 0.1,
    distpsnr1: 1.5,
    ssdistnr: NaN,
    ssmagnr: NaN,
    ndethist: 4,
    ...overrides,
  };
}

export function bazinFlux(t: number, amplitude: number, baseline: number, t0: number, rise: number, fall: number): number {
  return (amplitude * Math.exp(-(t - t0) / fall)) / (1 + Math.exp(-(t - t0) / rise)) + baseline;
}

/** AB magnitude of a flux in µJy, written out independently of the package. */
export function abMag(flux: number): number {
  return 23.9 - 2.5 * Math.log10(flux);
}

/** Returns the value of the named feature, failing loudly on an unknown name. */
export function feature(names: readonly string[], values: Float64Array, name: string): number {
  const index = names.indexOf(name);
  if (index < 0) {
    throw new Error(`unknown feature ${name}`);
  }
  return values[index];
}
