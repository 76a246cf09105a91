import type { FeatureSet } from '@lightbridge/features';

import type { LabeledLightCurve } from './types.ts';

/** Epochs per object when the caller does not choose. */
export const DEFAULT_EPOCHS = 5;

/**
 * Detection counts at which an object's early features are taken, before the last epoch. The live
 * service classifies objects while they are young, so the table samples the first detections densely.
 */
export const EARLY_DETECTION_COUNTS: readonly number[] = [2, 3, 5, 10];

/** The first columns of a feature table, before the feature names. */
export const ID_COLUMNS = ['object_id', 'label', 'epoch_mjd', 'n_points'] as const;

/** Text written for a missing value, which Python's float() and numpy read back as NaN. */
export const NAN_TEXT = 'nan';

/**
 * Chooses the 1-based detection counts k at which an object with `detectionCount` detections
 * contributes a row, at most `epochs` of them, in increasing order. These are the counts in
 * EARLY_DETECTION_COUNTS below detectionCount (at most epochs − 1 of them) and the last detection.
 * When epochs exceeds EARLY_DETECTION_COUNTS.length + 1, the remaining counts are drawn without
 * replacement from the counts between the last early one and the last detection. The draw is
 * seeded by `seed` and the object id, so it does not depend on file order.
 */
export function chooseDetectionCounts(detectionCount: number, epochs: number, seed: number, objectId: string): number[] {
  if (detectionCount < 1 || epochs < 1) {
    return [];
  }

  const early = EARLY_DETECTION_COUNTS.slice(0, epochs - 1).filter((k) => k < detectionCount);
  const counts = new Set<number>([...early, detectionCount]);

  const extra = epochs - 1 - EARLY_DETECTION_COUNTS.length;
  if (extra > 0) {
    const lowest = EARLY_DETECTION_COUNTS[EARLY_DETECTION_COUNTS.length - 1] + 1;
    const candidates: number[] = [];
    for (let k = lowest; k < detectionCount; k += 1) {
      candidates.push(k);
    }
    const random = seededRandom(`${seed}:${objectId}`);
    for (let drawn = 0; drawn < extra && candidates.length > 0; drawn += 1) {
      const index = Math.floor(random() * candidates.length);
      counts.add(candidates[index]);
      candidates.splice(index, 1);
    }
  }

  return [...counts].sort((a, b) => a - b);
}

/** Builds the CSV header line (without line break): ID_COLUMNS, then the feature names in order. */
export function featureTableHeader(featureNames: readonly string[]): string {
  return [...ID_COLUMNS, ...featureNames].map(csvField).join(',');
}

/**
 * Computes the CSV lines (without line breaks) of one object: one line per chosen epoch, with
 * the features as of the time of that epoch's detection and no alert context (tables have none).
 * Two counts whose detections share a time give the same row, so only the first is kept.
 */
export function featureTableRows(
  object: LabeledLightCurve,
  featureSet: FeatureSet,
  epochs: number,
  seed: number,
  buffer: Float64Array = new Float64Array(featureSet.names.length),
): string[] {
  const { detections, objectId } = object.lightCurve;
  const lines: string[] = [];
  let previousMjd = Number.NaN;

  for (const k of chooseDetectionCounts(detections.length, epochs, seed, objectId)) {
    const untilMjd = detections[k - 1].mjd;
    if (untilMjd === previousMjd) {
      continue;
    }
    previousMjd = untilMjd;

    const points = countUntil(detections, untilMjd);
    const features = featureSet.extract(object.lightCurve, undefined, untilMjd, buffer);

    const fields = [csvField(objectId), csvField(object.label), String(untilMjd), String(points)];
    for (const value of features) {
      fields.push(formatNumber(value));
    }
    lines.push(fields.join(','));
  }
  return lines;
}

/** Writes a number so that it reads back exactly, and NaN as NAN_TEXT (±Infinity as ±inf). */
export function formatNumber(value: number): string {
  if (Number.isNaN(value)) {
    return NAN_TEXT;
  }
  if (!Number.isFinite(value)) {
    return value > 0 ? 'inf' : '-inf';
  }
  return String(value);
}

/** Number of detections at or before untilMjd in a time-sorted list. */
function countUntil(detections: readonly { mjd: number }[], untilMjd: number): number {
  let count = 0;
  while (count < detections.length && detections[count].mjd <= untilMjd) {
    count += 1;
  }
  return count;
}

function csvField(text: string): string {
  return /[",\n\r]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** Creates a Mulberry32 generator, seeded with the FNV-1a hash of `key`, that returns values in [0, 1). */
function seededRandom(key: string): () => number {
  let state = 0x811c9dc5;
  for (let i = 0; i < key.length; i += 1) {
    state = Math.imul(state ^ key.charCodeAt(i), 0x01000193) >>> 0;
  }

  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
