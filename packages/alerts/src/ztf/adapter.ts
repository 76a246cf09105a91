import type { Alert, AlertContext, Detection, ForcedPhotometry, NonDetection } from '../types.ts';
import { AlertDecodeError } from '../errors.ts';
import {
  type AvroRecord,
  optionalArray,
  optionalBytes,
  optionalId,
  optionalNumber,
  requiredNumber,
  requiredRecord,
  requiredString,
} from './fields.ts';
import {
  bandFromFid,
  fluxErrorFromMagnitudeError,
  fluxFromMagnitude,
  fluxToMicrojansky,
  jdToMjd,
  parseIsDiffPos,
} from './photometry.ts';

/** Value of forcediffimflux when ZTF could not measure the flux. */
const FORCED_FLUX_MISSING = -99999;

/**
 * ZTF numbers nights from 2017-12-31: an image of night nid has a jd within about a day of
 * NIGHT_ID_JD_OFFSET + nid (within 0.6 day in all public sample alerts we test on).
 */
const NIGHT_ID_JD_OFFSET = 2457755;
const NIGHT_ID_JD_TOLERANCE_DAYS = 1;

/** True when a decoded record has the shape of a ZTF alert, whatever its schema version or name. */
export function isZtfAlertRecord(record: AvroRecord): boolean {
  return typeof record.objectId === 'string' && record.candidate !== null && typeof record.candidate === 'object';
}

/**
 * Converts one decoded ZTF alert record into an Alert. Throws AlertDecodeError when the alert
 * itself is unusable (missing id, invalid candidate); drops unusable history points with a warning.
 *
 * headerVersion is the schema version from the container header, used when the record has no
 * schemavsn field (schemas 1.5 and 1.8).
 */
export function ztfAlertFromRecord(record: AvroRecord, headerVersion: string | undefined): Alert {
  const objectId = requiredString(record, 'objectId', 'alert');
  const candidateRecord = requiredRecord(record, 'candidate', 'alert');
  const candidate = candidateDetection(candidateRecord);
  const candid = optionalId(record, 'candid') ?? candidate.sourceId;
  const warnings: string[] = [];

  const { detections, nonDetections } = readHistory(optionalArray(record, 'prv_candidates'), warnings);
  detections.push(candidate);
  const forcedPhotometry = readForcedPhotometry(optionalArray(record, 'fp_hists'), warnings);

  const schemaVersion =
    typeof record.schemavsn === 'string' && record.schemavsn !== '' ? record.schemavsn : (headerVersion ?? 'unknown');

  return {
    survey: 'ztf',
    schemaVersion,
    objectId,
    candid,
    mjd: candidate.mjd,
    candidate,
    detections,
    nonDetections,
    forcedPhotometry,
    context: readContext(candidateRecord),
    cutouts: {
      science: optionalBytes(record.cutoutScience as AvroRecord | null, 'stampData'),
      template: optionalBytes(record.cutoutTemplate as AvroRecord | null, 'stampData'),
      difference: optionalBytes(record.cutoutDifference as AvroRecord | null, 'stampData'),
    },
    warnings,
  };
}

/** Reads the triggering detection. Every problem here rejects the alert. */
function candidateDetection(candidate: AvroRecord): Detection {
  const sourceId = optionalId(candidate, 'candid');
  if (sourceId === undefined) {
    throw new AlertDecodeError('missing-field', 'alert.candidate.candid is missing');
  }
  const problem = detectionProblem(candidate);
  if (problem !== undefined) {
    throw new AlertDecodeError(problem.reason, `alert.candidate (candid ${sourceId}): ${problem.message}`);
  }
  return toDetection(candidate, sourceId);
}

/** Splits prv_candidates into detections (with candid) and upper limits (candid null). */
function readHistory(
  entries: AvroRecord[],
  warnings: string[],
): { detections: Detection[]; nonDetections: NonDetection[] } {
  const detections: Detection[] = [];
  const nonDetections: NonDetection[] = [];
  const wrongNight: string[] = [];

  for (const entry of entries) {
    const sourceId = optionalId(entry, 'candid');
    const nightProblem = nightIdProblem(entry);
    if (nightProblem !== undefined) {
      wrongNight.push(nightProblem);
      continue;
    }
    if (sourceId === undefined) {
      const limit = toNonDetection(entry);
      if (limit === undefined) {
        warnings.push(`upper limit at jd ${String(entry.jd)} fid ${String(entry.fid)} left out: no valid jd, fid or diffmaglim`);
      } else {
        nonDetections.push(limit);
      }
      continue;
    }

    const problem = detectionProblem(entry);
    if (problem !== undefined) {
      warnings.push(`prv_candidate ${sourceId} left out: ${problem.message}`);
      continue;
    }
    detections.push(toDetection(entry, sourceId));
  }

  // One line for all of them: a rewritten file can have dozens, all with the same fault.
  if (wrongNight.length > 0) {
    warnings.push(`${wrongNight.length} prv_candidates left out because their jd is not on their ZTF night (nid); first: ${wrongNight[0]}`);
  }
  return { detections, nonDetections };
}

/**
 * Checks a history entry's jd against its night id. Some rewritten alert files carry entries
 * whose jd was copied from another entry. Such a point would sit at the wrong time, so it is
 * left out.
 */
function nightIdProblem(entry: AvroRecord): string | undefined {
  const nid = entry.nid;
  const jd = entry.jd;
  if (typeof nid !== 'number' || typeof jd !== 'number') return undefined;
  if (Math.abs(jd - (NIGHT_ID_JD_OFFSET + nid)) <= NIGHT_ID_JD_TOLERANCE_DAYS) return undefined;
  return `jd ${jd} is not on night nid ${nid}`;
}

/** Returns why a detection record is unusable, or undefined when it is fine. */
function detectionProblem(entry: AvroRecord): { reason: 'missing-field' | 'invalid-value'; message: string } | undefined {
  for (const field of ['jd', 'fid', 'magpsf', 'sigmapsf']) {
    const value = entry[field];
    if (value === undefined || value === null) return { reason: 'missing-field', message: `${field} is missing` };
    if (typeof value !== 'number' || !Number.isFinite(value)) {
      return { reason: 'invalid-value', message: `${field} is ${String(value)}, expected a finite number` };
    }
  }
  if (bandFromFid(entry.fid as number) === undefined) {
    return { reason: 'invalid-value', message: `fid ${String(entry.fid)} is not a ZTF filter (1, 2 or 3)` };
  }
  if ((entry.sigmapsf as number) <= 0) {
    return { reason: 'invalid-value', message: `sigmapsf ${String(entry.sigmapsf)} is not positive` };
  }
  if (parseIsDiffPos(entry.isdiffpos) === undefined) {
    return { reason: 'invalid-value', message: `isdiffpos ${JSON.stringify(entry.isdiffpos)} is not t, f, 1 or 0` };
  }
  return undefined;
}

/**
 * Rounds a magnitude to 1e-4 mag. ZTF keeps history copies of a detection with magpsf and sigmapsf
 * rounded so, while the candidate has full float precision. Rounding every copy the same way makes
 * them identical, so a light curve does not depend on which alert delivered a point. This held for
 * all 442 candidate and history pairs of one detection in the public alerts the tests read.
 */
function roundToHistoryPrecision(mag: number): number {
  return Math.round(mag * 1e4) / 1e4;
}

function toDetection(entry: AvroRecord, sourceId: string): Detection {
  const mag = roundToHistoryPrecision(entry.magpsf as number);
  const magErr = roundToHistoryPrecision(entry.sigmapsf as number);
  const isDiffPos = parseIsDiffPos(entry.isdiffpos) as boolean;
  const flux = fluxFromMagnitude(mag, isDiffPos);
  return {
    sourceId,
    mjd: jdToMjd(entry.jd as number),
    band: bandFromFid(entry.fid as number) as string,
    flux,
    fluxErr: fluxErrorFromMagnitudeError(flux, magErr),
    mag,
    magErr,
    isDiffPos,
    rb: optionalNumber(entry, 'rb'),
    drb: optionalNumber(entry, 'drb'),
  };
}

function toNonDetection(entry: AvroRecord): NonDetection | undefined {
  const jd = optionalNumber(entry, 'jd');
  const band = bandFromFid(optionalNumber(entry, 'fid'));
  const limitingMag = optionalNumber(entry, 'diffmaglim');
  if (!Number.isFinite(jd) || band === undefined || !Number.isFinite(limitingMag)) return undefined;
  return { mjd: jdToMjd(jd), band, limitingMag };
}

/** Forced photometry (schema 4.02 fp_hists); entries with a non-zero procstatus or no flux are unusable. */
function readForcedPhotometry(entries: AvroRecord[], warnings: string[]): ForcedPhotometry[] {
  const points: ForcedPhotometry[] = [];
  let unusable = 0;

  for (const entry of entries) {
    const jd = optionalNumber(entry, 'jd');
    const band = bandFromFid(optionalNumber(entry, 'fid'));
    const flux = optionalNumber(entry, 'forcediffimflux');
    const fluxErr = optionalNumber(entry, 'forcediffimfluxunc');
    const magzpsci = optionalNumber(entry, 'magzpsci');
    const status = entry.procstatus;
    const statusOk = status === null || status === undefined || status === '0' || status === 0;

    const usable =
      statusOk &&
      band !== undefined &&
      Number.isFinite(jd) &&
      Number.isFinite(flux) &&
      flux !== FORCED_FLUX_MISSING &&
      Number.isFinite(fluxErr) &&
      fluxErr > 0 &&
      Number.isFinite(magzpsci);
    if (!usable) {
      unusable += 1;
      continue;
    }
    points.push({
      mjd: jdToMjd(jd),
      band,
      flux: fluxToMicrojansky(flux, magzpsci),
      fluxErr: fluxToMicrojansky(fluxErr, magzpsci),
    });
  }

  if (unusable > 0) warnings.push(`${unusable} fp_hists entries left out: non-zero procstatus or no valid flux`);
  return points;
}

function readContext(candidate: AvroRecord): AlertContext {
  return {
    ra: requiredNumber(candidate, 'ra', 'alert.candidate'),
    dec: requiredNumber(candidate, 'dec', 'alert.candidate'),
    rb: optionalNumber(candidate, 'rb'),
    drb: optionalNumber(candidate, 'drb'),
    sgscore1: optionalNumber(candidate, 'sgscore1'),
    distpsnr1: optionalNumber(candidate, 'distpsnr1'),
    ssdistnr: optionalNumber(candidate, 'ssdistnr'),
    ssmagnr: optionalNumber(candidate, 'ssmagnr'),
    ndethist: optionalNumber(candidate, 'ndethist'),
  };
}
