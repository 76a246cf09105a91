import type { SeededRandom } from './random.ts';

/** ZTF filter ids: 1 = g, 2 = r. */
export type FilterId = 1 | 2;

/** One ZTF exposure of a field. */
export interface Exposure {
  mjd: number;
  fid: FilterId;
  /** 5σ limiting magnitude of the difference image. */
  diffmaglim: number;
  /** Photometric zero point of the science image, in mag. */
  magzpsci: number;
  /** ZTF night id: days since 2017-01-01 (MJD 57754), as in public alerts. */
  nid: number;
}

/** A ZTF field and the exposures of it in the simulated window. */
export interface SimulatedField {
  fieldId: number;
  raCentre: number;
  decCentre: number;
  exposures: Exposure[];
}

/** Days of survey simulated before the night; longer than the 30-day alert history so ndethist counts older detections. */
export const SIMULATED_HISTORY_DAYS = 50;
const NID_EPOCH_MJD = 57754;

/** Start of a visit as a fraction of the UTC day: 0.12 to 0.40 is about 03:00 to 09:40 UTC, night at Palomar. */
const FIRST_EXPOSURE_FRACTION = { min: 0.12, max: 0.4 };
const REVISIT_GAP_DAYS = { min: 0.02, max: 0.1 };
const EXTRA_VISIT_PROBABILITY = 0.3;
const LIMITING_MAG = { mean: 20.5, sigma: 0.3, min: 19.3, max: 21.5 };
/** Zero points close to those of the public ZTF alerts we inspected: about 26.3 in g and 26.2 in r. */
const ZERO_POINT = { 1: 26.3, 2: 26.2 } as const;

/**
 * Simulates the exposures of one field from SIMULATED_HISTORY_DAYS before the night up to the
 * night. The field is visited every 1 to 3 nights, and always on the night itself. Each visit
 * takes a g and an r exposure 0.02–0.1 day apart, and some visits add a third exposure.
 * `takenTimes` contains the exposure times already used by other fields, in units of 1e-5 day
 * (the resolution of the ZTF pid), so that no two exposures share a pid.
 */
export function simulateField(random: SeededRandom, fieldId: number, nightMjd: number, takenTimes: Set<number>): SimulatedField {
  const visitNights: number[] = [];
  for (let day = nightMjd; day >= nightMjd - SIMULATED_HISTORY_DAYS; day -= random.integer(1, 3)) {
    visitNights.push(day);
  }
  visitNights.reverse();

  const exposures: Exposure[] = [];
  for (const day of visitNights) {
    exposures.push(...simulateVisit(random, day, takenTimes));
  }

  return {
    fieldId,
    raCentre: random.uniform(0, 360),
    decCentre: random.uniform(-28, 85),
    exposures,
  };
}

function simulateVisit(random: SeededRandom, day: number, takenTimes: Set<number>): Exposure[] {
  const firstBand: FilterId = random.chance(0.5) ? 1 : 2;
  const bands: FilterId[] = [firstBand, firstBand === 1 ? 2 : 1];
  if (random.chance(EXTRA_VISIT_PROBABILITY)) bands.push(random.chance(0.5) ? 1 : 2);

  const exposures: Exposure[] = [];
  let mjd = day + random.uniform(FIRST_EXPOSURE_FRACTION.min, FIRST_EXPOSURE_FRACTION.max);
  for (const fid of bands) {
    mjd = reserveTime(mjd, takenTimes);
    exposures.push({
      mjd,
      fid,
      diffmaglim: clamp(random.normal(LIMITING_MAG.mean, LIMITING_MAG.sigma), LIMITING_MAG.min, LIMITING_MAG.max),
      magzpsci: random.normal(ZERO_POINT[fid], 0.05),
      nid: Math.floor(mjd) - NID_EPOCH_MJD,
    });
    mjd += random.uniform(REVISIT_GAP_DAYS.min, REVISIT_GAP_DAYS.max);
  }
  return exposures;
}

/** Moves a time forward by steps of 2e-5 day until its 1e-5-day slot is free, then takes the slot. */
function reserveTime(mjd: number, takenTimes: Set<number>): number {
  let time = Math.round(mjd * 1e7) / 1e7;
  while (takenTimes.has(Math.floor(time * 1e5))) time = Math.round((time + 2e-5) * 1e7) / 1e7;
  takenTimes.add(Math.floor(time * 1e5));
  return time;
}

function clamp(value: number, min: number, max: number): number {
  return Math.min(max, Math.max(min, value));
}

/**
 * Builds the ZTF processing id of one readout channel's image in the layout of public alerts.
 * The digits are the night id, the MJD day fraction in units of 1e-5 day, the two-digit readout
 * channel, and then "15". The public pids we inspected all end in 15, whose meaning is not documented.
 */
export function processingId(exposure: Exposure, rcid: number): bigint {
  const dayFraction = Math.floor(exposure.mjd * 1e5) - Math.floor(exposure.mjd) * 1e5;
  return BigInt(exposure.nid) * 1_000_000_000n + BigInt(dayFraction) * 10_000n + BigInt(rcid) * 100n + 15n;
}

/** Converts an MJD to a Julian Date. */
export function julianDate(mjd: number): number {
  return mjd + 2_400_000.5;
}
