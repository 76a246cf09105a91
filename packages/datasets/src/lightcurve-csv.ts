import { join } from 'node:path';

import type { ForcedPhotometry } from '@lightbridge/alerts';

import { DatasetFormatError, parseFiniteNumber, readCsv } from './csv.ts';
import { collectForcedPhotometry } from './forced-photometry.ts';
import { groupByObject } from './grouped.ts';
import { buildLightCurve } from './photometry.ts';
import { BTS_CLASSES } from './bts.ts';
import { SNPHOTCC_CLASSES } from './snphotcc.ts';
import { emptyReadStats, type DatasetReader, type LabeledLightCurve, type ReadStats } from './types.ts';

/** File a light-curve CSV data set folder must contain. */
export const LIGHTCURVE_CSV_FILE = 'lightcurves.csv';

/** Columns of LIGHTCURVE_CSV_FILE: flux and flux_err in µJy, mjd in days. */
export const LIGHTCURVE_CSV_COLUMNS = ['object_id', 'label', 'mjd', 'band', 'flux', 'flux_err'] as const;
const [ID, LABEL, MJD, BAND, FLUX, FLUX_ERR] = [0, 1, 2, 3, 4, 5];

/** What a light-curve CSV reader fixes in advance: the feature set needs the bands before reading. */
export interface LightCurveCsvOptions {
  name: string;
  survey: string;
  bands: readonly string[];
  classes: readonly string[];
}

/**
 * Creates a reader of a generic forced-photometry table: the folder holds LIGHTCURVE_CSV_FILE with
 * one row per observation (LIGHTCURVE_CSV_COLUMNS), each object's rows together, every row of an
 * object carrying the same label. Points become detections and non-detections at DETECTION_SNR as
 * in the SNPhotCC reader, so a table written from SNPhotCC light curves gives the same features.
 * Every object's `subset` is the reader's name.
 */
export function createLightCurveCsvDataset(options: LightCurveCsvOptions): DatasetReader {
  return {
    name: options.name,
    survey: options.survey,
    bands: options.bands,
    classes: options.classes,
    files: [LIGHTCURVE_CSV_FILE],
    read: (dir, stats) => readLightCurveCsv(dir, options, stats),
  };
}

/** Light-curve CSV tables in the DES g, r, i, z bands with the SNPhotCC classes, e.g. augmented SNPhotCC light curves. */
export const desCsvDataset = createLightCurveCsvDataset({
  name: 'des-csv',
  survey: 'des',
  bands: ['g', 'r', 'i', 'z'],
  classes: SNPHOTCC_CLASSES,
});

/**
 * Light-curve CSV tables in the ZTF g and r bands with the BTS classes, e.g. BTS light curves
 * redshifted to the cadence and noise of real alerts. Their features come from ZTF_FEATURES, the
 * set the live service computes, because the survey is ztf.
 */
export const ztfCsvDataset = createLightCurveCsvDataset({
  name: 'ztf-csv',
  survey: 'ztf',
  bands: ['g', 'r'],
  classes: BTS_CLASSES,
});

async function* readLightCurveCsv(
  dir: string,
  options: LightCurveCsvOptions,
  stats: ReadStats = emptyReadStats(),
): AsyncGenerator<LabeledLightCurve> {
  const path = join(dir, LIGHTCURVE_CSV_FILE);

  for await (const object of groupByObject(readCsv(path, LIGHTCURVE_CSV_COLUMNS), ID, path)) {
    const label = object.rows[0].values[LABEL].trim();
    const points: ForcedPhotometry[] = [];

    for (const { line, values } of object.rows) {
      if (values[LABEL].trim() !== label) {
        throw new DatasetFormatError(`${path}:${line}: object ${object.objectId} has labels "${label}" and "${values[LABEL]}"; give one`);
      }
      if (!options.classes.includes(label)) {
        throw new DatasetFormatError(`${path}:${line}: label "${label}" is not one of ${options.classes.join(', ')}`);
      }
      const band = values[BAND].trim();
      if (!options.bands.includes(band)) {
        throw new DatasetFormatError(`${path}:${line}: band "${band}" is not one of ${options.bands.join(', ')}`);
      }
      const fluxErr = parseFiniteNumber(values[FLUX_ERR], path, line, 'flux_err');
      if (!(fluxErr > 0)) {
        throw new DatasetFormatError(`${path}:${line}: flux_err "${values[FLUX_ERR]}" is not positive; fix or drop the row`);
      }
      const mjd = parseFiniteNumber(values[MJD], path, line, 'mjd');
      const flux = parseFiniteNumber(values[FLUX], path, line, 'flux');
      points.push({ mjd, band, flux, fluxErr });
    }

    const { lightCurve, dropped } = buildLightCurve(options.survey, object.objectId, collectForcedPhotometry(object.objectId, points));
    stats.rows += object.rows.length;
    stats.objects += 1;
    stats.duplicatesDropped += dropped.forcedPhotometry;
    yield { lightCurve, label, subset: options.name };
  }
}
