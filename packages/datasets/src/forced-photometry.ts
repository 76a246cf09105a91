import type { Detection, ForcedPhotometry, NonDetection } from '@lightbridge/alerts';

import { fluxErrorToMagnitudeError, microjanskyToMagnitude, MICROJANSKY_ZERO_POINT, type CollectedPhotometry } from './photometry.ts';

/**
 * Signal-to-noise ratio |flux| / fluxErr at or above which an observation counts as a detection,
 * matching the 5σ threshold of difference-imaging alert streams.
 */
export const DETECTION_SNR = 5;

/**
 * Sorts forced photometry (flux in µJy) into the lists of a light curve the way an alert stream
 * would deliver it: every point goes to forcedPhotometry, points at |flux| / fluxErr ≥
 * DETECTION_SNR also become detections (negative ones with isDiffPos false), and the rest become
 * non-detections with a 5σ limiting magnitude. Detection ids are the object id and the point's
 * position in `points`, because simulations and tables have no candids.
 */
export function collectForcedPhotometry(objectId: string, points: readonly ForcedPhotometry[]): CollectedPhotometry {
  const photometry: CollectedPhotometry = { detections: [], nonDetections: [], forcedPhotometry: [] };

  points.forEach((point, index) => {
    photometry.forcedPhotometry.push(point);
    if (Math.abs(point.flux) >= DETECTION_SNR * point.fluxErr) {
      photometry.detections.push(detectionOf(objectId, index, point));
    } else {
      photometry.nonDetections.push(limitOf(point));
    }
  });
  return photometry;
}

function detectionOf(objectId: string, index: number, point: ForcedPhotometry): Detection {
  return {
    sourceId: `${objectId}_${index}`,
    mjd: point.mjd,
    band: point.band,
    flux: point.flux,
    fluxErr: point.fluxErr,
    mag: microjanskyToMagnitude(point.flux),
    magErr: fluxErrorToMagnitudeError(point.flux, point.fluxErr),
    isDiffPos: point.flux > 0,
    rb: Number.NaN,
    drb: Number.NaN,
  };
}

/** Converts a below-threshold observation to an upper limit at the magnitude of DETECTION_SNR × fluxErr. */
function limitOf(point: ForcedPhotometry): NonDetection {
  return {
    mjd: point.mjd,
    band: point.band,
    limitingMag: MICROJANSKY_ZERO_POINT - 2.5 * Math.log10(DETECTION_SNR * point.fluxErr),
  };
}
