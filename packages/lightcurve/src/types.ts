import type { Detection, ForcedPhotometry, NonDetection } from '@lightbridge/alerts';

/**
 * Everything known about one object's brightness, merged from all its alerts.
 * Each list is sorted by time (then band, then id) and holds each point once.
 */
export interface LightCurve {
  survey: string;
  objectId: string;
  detections: Detection[];
  nonDetections: NonDetection[];
  forcedPhotometry: ForcedPhotometry[];
  /** Candids of the alerts merged so far, sorted. */
  alertIds: string[];
}
