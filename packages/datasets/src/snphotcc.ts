import { join } from 'node:path';

import type { ForcedPhotometry } from '@lightbridge/alerts';

import { DatasetFormatError, parseFiniteNumber, readCsv } from './csv.ts';
import { groupByObject, type ObjectRows } from './grouped.ts';
import { collectForcedPhotometry } from './forced-photometry.ts';
import { buildLightCurve, zeroPointToMicrojanskyScale, type CollectedPhotometry } from './photometry.ts';
import { emptyReadStats, type DatasetReader, type LabeledLightCurve, type ReadStats } from './types.ts';

/** Class groups of the SNPhotCC simulation, which has no superluminous or other transients. */
export const SNPHOTCC_CLASSES = ['Ia', 'II', 'Ibc'] as const;

/** SNANA FLUXCAL has AB zero point 27.5: mag = 27.5 − 2.5 log10(FLUXCAL). */
export const FLUXCAL_ZERO_POINT = 27.5;

const PHOTOMETRY_FILE = 'photometry.csv.gz';
const METADATA_FILE = 'metadata.csv';
const PHOTOMETRY_COLUMNS = ['snid', 'mjd', 'band', 'fluxcal', 'fluxcalerr'] as const;
const [ID, MJD, BAND, FLUX, FLUX_ERR] = [0, 1, 2, 3, 4];
const BANDS = ['g', 'r', 'i', 'z'];

/** SNANA true types grouped into SNPHOTCC_CLASSES. */
const CLASS_OF_TYPE: Record<string, string> = {
  Ia: 'Ia',
  II: 'II',
  IIn: 'II',
  IIL: 'II',
  IIP: 'II',
  Ib: 'Ibc',
  Ic: 'Ibc',
  Ibc: 'Ibc',
};

const FLUXCAL_TO_MICROJANSKY = zeroPointToMicrojanskyScale(FLUXCAL_ZERO_POINT);

/** SNANA writes FLUXCAL = FLUXCALERR = -9 for an epoch without a measurement. */
const MISSING_FLUXCAL = -9;

interface SnphotccObject {
  label: string;
  /** `spectroscopic_train` (the challenge's labeled sample) or `photometric_test`. */
  sample: string;
}

/**
 * Reader of the SNPhotCC DES simulation (post-challenge release with true types): forced
 * photometry in g, r, i, z for every object. Every observation goes to forcedPhotometry; those at
 * |flux| / fluxErr ≥ DETECTION_SNR also become detections (negative ones with isDiffPos false),
 * the rest become non-detections with a 5σ limiting magnitude, so the light curves look like
 * what an alert stream delivers. `subset` is the challenge sample, because the true types of the
 * photometric sample are simulation truth that a photometric survey would not have.
 */
export const snphotccDataset: DatasetReader = {
  name: 'snphotcc',
  survey: 'des',
  bands: BANDS,
  classes: SNPHOTCC_CLASSES,
  files: [PHOTOMETRY_FILE, METADATA_FILE],
  read: (dir, stats) => readSnphotcc(dir, stats, undefined),
};

/** The challenge's spectroscopically confirmed (labeled) sample: the domain-adaptation source. */
export const SPECTROSCOPIC_SAMPLE = 'spectroscopic_train';

/** The challenge's photometric (unlabeled) sample: the domain-adaptation target. */
export const PHOTOMETRIC_SAMPLE = 'photometric_test';

/** The SNPhotCC reader restricted to the spectroscopic sample (SNTYPE ≠ −9, 1,103 objects). */
export const snphotccSpectroscopicDataset: DatasetReader = {
  ...snphotccDataset,
  name: 'snphotcc-spectroscopic',
  read: (dir, stats) => readSnphotcc(dir, stats, SPECTROSCOPIC_SAMPLE),
};

/**
 * The SNPhotCC reader restricted to the photometric sample (SNTYPE = −9, 20,216 objects). Its
 * labels are simulation truth, for scoring only: a real photometric survey would not have them.
 */
export const snphotccPhotometricDataset: DatasetReader = {
  ...snphotccDataset,
  name: 'snphotcc-photometric',
  read: (dir, stats) => readSnphotcc(dir, stats, PHOTOMETRIC_SAMPLE),
};

/** Streams the objects of the folder `dir`, only those of `sample` when it is given (stats count only those). */
async function* readSnphotcc(
  dir: string,
  stats: ReadStats = emptyReadStats(),
  sample: string | undefined,
): AsyncGenerator<LabeledLightCurve> {
  const objects = await readSnphotccMetadata(join(dir, METADATA_FILE));
  const path = join(dir, PHOTOMETRY_FILE);

  for await (const object of groupByObject(readCsv(path, PHOTOMETRY_COLUMNS), ID, path)) {
    const metadata = objects.get(object.objectId);
    if (metadata === undefined) {
      throw new DatasetFormatError(`${path}: object ${object.objectId} has photometry but no row in ${METADATA_FILE}`);
    }
    if (sample !== undefined && metadata.sample !== sample) {
      continue;
    }

    const { photometry, skipped } = collectObservations(object, path);
    const { lightCurve, dropped } = buildLightCurve('des', object.objectId, photometry);

    stats.rows += object.rows.length;
    stats.rowsSkipped += skipped;
    stats.objects += 1;
    stats.duplicatesDropped += dropped.forcedPhotometry;
    yield { lightCurve, label: metadata.label, subset: metadata.sample };
  }
}

/** Reads snid → class and sample from metadata.csv. */
export async function readSnphotccMetadata(path: string): Promise<Map<string, SnphotccObject>> {
  const objects = new Map<string, SnphotccObject>();

  for await (const { line, values } of readCsv(path, ['snid', 'true_type', 'sample'])) {
    const [objectId, trueType, sample] = values.map((value) => value.trim());
    const label = CLASS_OF_TYPE[trueType];
    if (label === undefined) {
      throw new DatasetFormatError(
        `${path}:${line}: true_type "${trueType}" of ${objectId} is not one of ${Object.keys(CLASS_OF_TYPE).join(', ')}`,
      );
    }
    if (objects.has(objectId)) {
      throw new DatasetFormatError(`${path}:${line}: object ${objectId} is listed twice`);
    }
    objects.set(objectId, { label, sample });
  }
  return objects;
}

/** Parses an object's rows into forced photometry in µJy, skipping rows without a measurement. */
function collectObservations(object: ObjectRows, path: string): { photometry: CollectedPhotometry; skipped: number } {
  const points: ForcedPhotometry[] = [];
  let skipped = 0;

  for (const { line, values } of object.rows) {
    const band = values[BAND].trim();
    if (!BANDS.includes(band)) {
      throw new DatasetFormatError(`${path}:${line}: band "${band}" is not one of ${BANDS.join(', ')}`);
    }
    const mjd = parseFiniteNumber(values[MJD], path, line, 'mjd');
    const fluxCal = parseFiniteNumber(values[FLUX], path, line, 'fluxcal');
    const fluxCalErr = parseFiniteNumber(values[FLUX_ERR], path, line, 'fluxcalerr');
    if (fluxCal === MISSING_FLUXCAL && fluxCalErr === MISSING_FLUXCAL) {
      skipped += 1;
      continue;
    }
    const fluxErr = fluxCalErr * FLUXCAL_TO_MICROJANSKY;
    if (!(fluxErr > 0)) {
      throw new DatasetFormatError(`${path}:${line}: fluxcalerr "${values[FLUX_ERR]}" is not positive; fix or drop the row`);
    }
    points.push({ mjd, band, flux: fluxCal * FLUXCAL_TO_MICROJANSKY, fluxErr });
  }
  return { photometry: collectForcedPhotometry(object.objectId, points), skipped };
}
