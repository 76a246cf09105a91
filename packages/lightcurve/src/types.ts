import type { Detection, ForcedPhotometry, NonDetection } from '@lightbridge/alerts';

/**
 * A light-curve point with the earliest alert that carried it, by time and then candid (several
 * alerts of one object can come from one exposure). Features of an alert use only points known
 * by that alert, so a record does not depend on the order in which alerts arrive, nor on what a
 * store learned from later alerts. Absent means always known (for light curves that did not come
 * from alerts, such as training sets).
 */
export type KnownPoint<T> = T & { knownSinceMjd?: number; knownSinceCandid?: string };

/**
 * Everything known about one object's brightness, merged from all its alerts.
 * Each list is sorted by time (then band, then id) and contains each point once.
 */
export interface LightCurve {
  survey: string;
  objectId: string;
  detections: KnownPoint<Detection>[];
  nonDetections: KnownPoint<NonDetection>[];
  forcedPhotometry: KnownPoint<ForcedPhotometry>[];
  /** Candids of the alerts merged so far, sorted. */
  alertIds: string[];
}
