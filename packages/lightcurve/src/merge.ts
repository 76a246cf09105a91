import type { Alert, Detection, ForcedPhotometry, NonDetection } from '@lightbridge/alerts';
import type { LightCurve } from './types.ts';

/** Creates the empty light curve of an object. */
export function emptyLightCurve(survey: string, objectId: string): LightCurve {
  return { survey, objectId, detections: [], nonDetections: [], forcedPhotometry: [], alertIds: [] };
}

/**
 * Merges an alert (its candidate and its whole history) into an object's light curve and returns
 * a new light curve; the input is not changed.
 *
 * Detections are deduplicated by source id (candid), upper limits and forced photometry by time
 * and band. When two copies of one point differ, a fixed total order picks the same winner
 * whatever the arrival order, so the merge is idempotent and independent of alert order.
 */
export function mergeAlert(lightCurve: LightCurve | undefined, alert: Alert): LightCurve {
  const base = lightCurve ?? emptyLightCurve(alert.survey, alert.objectId);
  if (base.objectId !== alert.objectId || base.survey !== alert.survey) {
    throw new Error(
      `cannot merge alert of ${alert.survey}:${alert.objectId} into the light curve of ${base.survey}:${base.objectId}`,
    );
  }

  return {
    survey: base.survey,
    objectId: base.objectId,
    detections: mergePoints(base.detections, alert.detections, detectionKey, compareDetections),
    nonDetections: mergePoints(base.nonDetections, alert.nonDetections, timeBandKey, compareNonDetections),
    forcedPhotometry: mergePoints(base.forcedPhotometry, alert.forcedPhotometry, timeBandKey, compareForced),
    alertIds: mergeIds(base.alertIds, alert.candid),
  };
}

/**
 * Unions two point lists by key, keeps the greater copy under `compare` for duplicate keys and
 * returns them sorted by `compare`. The comparators order by time first, so the result is in
 * time order.
 */
function mergePoints<T>(
  existing: readonly T[],
  incoming: readonly T[],
  keyOf: (point: T) => string,
  compare: (a: T, b: T) => number,
): T[] {
  const byKey = new Map<string, T>();
  for (const point of existing) keepGreater(byKey, keyOf(point), point, compare);
  for (const point of incoming) keepGreater(byKey, keyOf(point), point, compare);

  const merged = Array.from(byKey.values());
  merged.sort(compare);
  return merged;
}

function keepGreater<T>(byKey: Map<string, T>, key: string, point: T, compare: (a: T, b: T) => number): void {
  const current = byKey.get(key);
  if (current === undefined || compare(point, current) > 0) byKey.set(key, point);
}

function mergeIds(ids: readonly string[], id: string): string[] {
  if (ids.includes(id)) return ids.slice();
  const merged = [...ids, id];
  merged.sort(compareIds);
  return merged;
}

/** Orders decimal id strings numerically (shorter is smaller), without BigInt parsing. */
function compareIds(a: string, b: string): number {
  if (a.length !== b.length) return a.length - b.length;
  return a < b ? -1 : a > b ? 1 : 0;
}

function detectionKey(point: Detection): string {
  return point.sourceId;
}

function timeBandKey(point: NonDetection | ForcedPhotometry): string {
  return `${point.band}@${point.mjd}`;
}

/** Compares numbers with NaN ordered below every number, so sorting stays a total order. */
function compareNumbers(a: number, b: number): number {
  const aNaN = Number.isNaN(a);
  const bNaN = Number.isNaN(b);
  if (aNaN || bNaN) return aNaN === bNaN ? 0 : aNaN ? -1 : 1;
  return a < b ? -1 : a > b ? 1 : 0;
}

function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function compareDetections(a: Detection, b: Detection): number {
  return (
    compareNumbers(a.mjd, b.mjd) ||
    compareStrings(a.band, b.band) ||
    compareIds(a.sourceId, b.sourceId) ||
    compareNumbers(a.flux, b.flux) ||
    compareNumbers(a.fluxErr, b.fluxErr) ||
    compareNumbers(a.mag, b.mag) ||
    compareNumbers(a.magErr, b.magErr) ||
    Number(a.isDiffPos) - Number(b.isDiffPos) ||
    compareNumbers(a.rb, b.rb) ||
    compareNumbers(a.drb, b.drb)
  );
}

function compareNonDetections(a: NonDetection, b: NonDetection): number {
  return compareNumbers(a.mjd, b.mjd) || compareStrings(a.band, b.band) || compareNumbers(a.limitingMag, b.limitingMag);
}

function compareForced(a: ForcedPhotometry, b: ForcedPhotometry): number {
  return (
    compareNumbers(a.mjd, b.mjd) ||
    compareStrings(a.band, b.band) ||
    compareNumbers(a.flux, b.flux) ||
    compareNumbers(a.fluxErr, b.fluxErr)
  );
}
