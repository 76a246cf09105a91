import { createWriteStream } from 'node:fs';
import { mkdir, rename, rm } from 'node:fs/promises';
import { once } from 'node:events';
import { dirname } from 'node:path';

import { decodeAlerts, readAlertInputs } from '@lightbridge/alerts';
import { mergeAlert, type LightCurve } from '@lightbridge/lightcurve';

import { DETECTION_SNR } from './forced-photometry.ts';
import { formatNumber } from './feature-table.ts';
import { MICROJANSKY_ZERO_POINT } from './photometry.ts';

/** Columns of the target photometry table: flux and flux_err in µJy, mjd in days. */
export const TARGET_PHOTOMETRY_COLUMNS = ['object_id', 'kind', 'mjd', 'band', 'flux', 'flux_err'] as const;

/** Values of the `kind` column. */
export const DETECTION_KIND = 'detection';
export const NON_DETECTION_KIND = 'non-detection';

/** Counters of one pass over alert files. */
export interface AlertPhotometryStats {
  /** Files and archive members read. */
  inputs: number;
  /** Alerts decoded. */
  alerts: number;
  /** Inputs that could not be read or decoded; they add no points. */
  unreadable: number;
  objects: number;
}

/**
 * Reads every alert under `paths` (files, folders, archives, as `lightbridge classify` does) and
 * merges each object's alerts into one light curve with the pipeline's merge, so the points and
 * their deduplication are those the live service stores. Unreadable inputs are counted and skipped.
 * Returns the light curves in object id order.
 */
export async function readAlertLightCurves(
  paths: readonly string[],
): Promise<{ lightCurves: LightCurve[]; stats: AlertPhotometryStats }> {
  const byObject = new Map<string, LightCurve>();
  const stats: AlertPhotometryStats = { inputs: 0, alerts: 0, unreadable: 0, objects: 0 };

  for await (const input of readAlertInputs(paths)) {
    stats.inputs += 1;
    if (input.error !== undefined) {
      stats.unreadable += 1;
      continue;
    }

    let alerts;
    try {
      alerts = decodeAlerts(input.bytes);
    } catch {
      stats.unreadable += 1;
      continue;
    }
    for (const alert of alerts) {
      stats.alerts += 1;
      const key = `${alert.survey}:${alert.objectId}`;
      byObject.set(key, mergeAlert(byObject.get(key), alert));
    }
  }

  const lightCurves = [...byObject.values()].sort((a, b) => compareText(a.objectId, b.objectId));
  stats.objects = lightCurves.length;
  return { lightCurves, stats };
}

/**
 * Returns the CSV lines (without line breaks) of one light curve's observations: each detection
 * with its signed flux and error, and each upper limit with flux NaN and the 1σ error that its
 * 5σ limiting magnitude implies, fluxErr = 10^(−0.4 (limitingMag − 23.9)) / 5 µJy. Those are the
 * observation times, bands and noise levels that augmentation copies to mimic the stream.
 */
export function targetPhotometryRows(lightCurve: LightCurve): string[] {
  const rows: { mjd: number; line: string }[] = [];
  const id = csvField(lightCurve.objectId);

  for (const detection of lightCurve.detections) {
    const fields = [id, DETECTION_KIND, formatNumber(detection.mjd), csvField(detection.band)];
    fields.push(formatNumber(detection.flux), formatNumber(detection.fluxErr));
    rows.push({ mjd: detection.mjd, line: fields.join(',') });
  }
  for (const limit of lightCurve.nonDetections) {
    const fluxErr = 10 ** (-0.4 * (limit.limitingMag - MICROJANSKY_ZERO_POINT)) / DETECTION_SNR;
    const fields = [id, NON_DETECTION_KIND, formatNumber(limit.mjd), csvField(limit.band)];
    fields.push(formatNumber(Number.NaN), formatNumber(fluxErr));
    rows.push({ mjd: limit.mjd, line: fields.join(',') });
  }

  rows.sort((a, b) => a.mjd - b.mjd);
  return rows.map((row) => row.line);
}

/**
 * Writes the target photometry table of the alerts under `paths` to `out` (through
 * `out.partial`, renamed at the end, so a failed run leaves no table that looks complete).
 */
export async function writeTargetPhotometry(paths: readonly string[], out: string): Promise<AlertPhotometryStats & { rows: number }> {
  const { lightCurves, stats } = await readAlertLightCurves(paths);
  await mkdir(dirname(out), { recursive: true });
  const partial = `${out}.partial`;
  const stream = createWriteStream(partial);
  let rows = 0;

  try {
    await writeLine(stream, TARGET_PHOTOMETRY_COLUMNS.join(','));
    for (const lightCurve of lightCurves) {
      for (const line of targetPhotometryRows(lightCurve)) {
        await writeLine(stream, line);
        rows += 1;
      }
    }
    stream.end();
    await once(stream, 'finish');
  } catch (error) {
    stream.destroy();
    await rm(partial, { force: true });
    throw error;
  }

  await rename(partial, out);
  return { ...stats, rows };
}

async function writeLine(stream: NodeJS.WritableStream, line: string): Promise<void> {
  if (!stream.write(`${line}\n`)) {
    await once(stream, 'drain');
  }
}

function csvField(text: string): string {
  return /[",\n\r]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

function compareText(a: string, b: string): number {
  if (a === b) {
    return 0;
  }
  return a < b ? -1 : 1;
}
