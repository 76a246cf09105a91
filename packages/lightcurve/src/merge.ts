import type { Alert, Detection, ForcedPhotometry, NonDetection } from '@lightbridge/alerts';
import type { KnownPoint, LightCurve } from './types.ts';

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
    detections: mergePoints(base.detections, alert.detections, alert, detectionKey, compareDetections),
    nonDetections: mergePoints(base.nonDetections, alert.nonDetections, alert, timeBandKey, compareNonDetections),
    forcedPhotometry: mergePoints(base.forcedPhotometry, alert.forcedPhotometry, alert, timeBandKey, compareForced),
    alertIds: mergeIds(base.alertIds, alert.candid),
  };
}

/**
 * Unions two point lists by key and returns them sorted by `order`, which compares time first,
 * so the result is in time order. For a key present twice it keeps the copy from the earlier
 * alert, or the greater copy under `order` when both came from the same alert. Incoming points
 * are known since `alert`, the alert that carries them.
 */
function mergePoints<T extends object>(
  existing: readonly KnownPoint<T>[],
  incoming: readonly T[],
  alert: Alert,
  keyOf: (point: T) => string,
  order: (a: T, b: T) => number,
): KnownPoint<T>[] {
  const byKey = new Map<string, KnownPoint<T>>();
  for (const point of existing) keepEarliest(byKey, keyOf(point), point, order);
  for (const point of incoming) {
    keepEarliest(byKey, keyOf(point), { ...point, knownSinceMjd: alert.mjd, knownSinceCandid: alert.candid }, order);
  }

  const merged = Array.from(byKey.values());
  merged.sort(order);
  return merged;
}

function keepEarliest<T extends object>(
  byKey: Map<string, KnownPoint<T>>,
  key: string,
  point: KnownPoint<T>,
  order: (a: T, b: T) => number,
): void {
  const current = byKey.get(key);
  if (current === undefined) {
    byKey.set(key, point);
    return;
  }
  const byAlert = compareKnownSince(point, current);
  if (byAlert < 0 || (byAlert === 0 && order(point, current) > 0)) byKey.set(key, point);
}

/** Orders points by the alert that first carried them: time, then candid; never-set sorts first. */
function compareKnownSince(a: KnownPoint<object>, b: KnownPoint<object>): number {
  const aMjd = a.knownSinceMjd ?? Number.NEGATIVE_INFINITY;
  const bMjd = b.knownSinceMjd ?? Number.NEGATIVE_INFINITY;
  if (aMjd !== bMjd) return aMjd < bMjd ? -1 : 1;
  return compareCandids(a.knownSinceCandid ?? '', b.knownSinceCandid ?? '');
}

/**
 * Returns the light curve as the given alert knew it: only the points carried by that alert or
 * by alerts before it (earlier time, or the same time and a smaller candid). Lists that need no
 * filtering are shared with the input, not copied.
 */
export function lightCurveKnownAt(lightCurve: LightCurve, alert: { mjd: number; candid: string }): LightCurve {
  const limit = { knownSinceMjd: alert.mjd, knownSinceCandid: alert.candid };
  return {
    ...lightCurve,
    detections: knownBy(lightCurve.detections, limit),
    nonDetections: knownBy(lightCurve.nonDetections, limit),
    forcedPhotometry: knownBy(lightCurve.forcedPhotometry, limit),
  };
}

function knownBy<T>(points: KnownPoint<T>[], limit: KnownPoint<object>): KnownPoint<T>[] {
  const known = (point: KnownPoint<T>) => compareKnownSince(point as KnownPoint<object>, limit) <= 0;
  if (points.every(known)) return points;
  return points.filter(known);
}

function mergeIds(ids: readonly string[], id: string): string[] {
  if (ids.includes(id)) return ids.slice();
  const merged = [...ids, id];
  merged.sort(compareCandids);
  return merged;
}

/** Orders decimal id strings such as candids numerically (shorter is smaller), without BigInt parsing. */
export function compareCandids(a: string, b: string): number {
  if (a.length !== b.length) return a.length - b.length;
  return compareStrings(a, b);
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
  if (aNaN && bNaN) return 0;
  if (aNaN) return -1;
  if (bNaN) return 1;
  return Math.sign(a - b);
}

function compareStrings(a: string, b: string): number {
  if (a === b) return 0;
  return a < b ? -1 : 1;
}

function compareDetections(a: Detection, b: Detection): number {
  return (
    compareNumbers(a.mjd, b.mjd) ||
    compareStrings(a.band, b.band) ||
    compareCandids(a.sourceId, b.sourceId) ||
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
