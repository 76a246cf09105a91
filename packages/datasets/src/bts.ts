import { join } from 'node:path';

import type { Detection } from '@lightbridge/alerts';

import { DatasetFormatError, parseFiniteNumber, readCsv } from './csv.ts';
import { groupByObject, type ObjectRows } from './grouped.ts';
import { buildLightCurve, magnitudeErrorToFluxError, magnitudeToMicrojansky } from './photometry.ts';
import { emptyReadStats, type DatasetReader, type LabeledLightCurve, type ReadStats } from './types.ts';

/** Class groups of the ZTF Bright Transient Survey table (`class_group` in labels.csv). */
export const BTS_CLASSES = ['Ia', 'II', 'Ibc', 'SLSN', 'other'] as const;

const PHOTOMETRY_FILE = 'photometry.csv.gz';
const LABELS_FILE = 'labels.csv';
const PHOTOMETRY_COLUMNS = ['ztfid', 'mjd', 'band', 'mag', 'magerr'] as const;
const [ID, MJD, BAND, MAG, MAGERR] = [0, 1, 2, 3, 4];

/** ANTARES writes ZTF r as `R`. */
const BAND_NAMES: Record<string, string> = { g: 'g', R: 'r', r: 'r' };

/**
 * Reader of the ZTF Bright Transient Survey light curves served by ANTARES: magnitudes of alert
 * detections in g and r (no fluxes, no upper limits), each object with a spectroscopic class.
 * Each row becomes a positive detection with flux from the magnitude and no real/bogus scores.
 */
export const btsDataset: DatasetReader = {
  name: 'bts',
  survey: 'ztf',
  bands: ['g', 'r'],
  classes: BTS_CLASSES,
  files: [PHOTOMETRY_FILE, LABELS_FILE],
  read: readBts,
};

async function* readBts(dir: string, stats: ReadStats = emptyReadStats()): AsyncGenerator<LabeledLightCurve> {
  const labels = await readBtsLabels(join(dir, LABELS_FILE));
  const path = join(dir, PHOTOMETRY_FILE);

  for await (const object of groupByObject(readCsv(path, PHOTOMETRY_COLUMNS), ID, path)) {
    const label = labels.get(object.objectId);
    if (label === undefined) {
      throw new DatasetFormatError(`${path}: object ${object.objectId} has photometry but no row in ${LABELS_FILE}`);
    }

    const detections = object.rows.map((_, index) => btsDetection(object, index, path));
    const { lightCurve, dropped } = buildLightCurve('ztf', object.objectId, {
      detections,
      nonDetections: [],
      forcedPhotometry: [],
    });

    stats.rows += object.rows.length;
    stats.objects += 1;
    stats.duplicatesDropped += dropped.detections;
    yield { lightCurve, label, subset: 'spectroscopic' };
  }
}

/** Reads the ztfid → class_group map, rejecting classes outside BTS_CLASSES. */
export async function readBtsLabels(path: string): Promise<Map<string, string>> {
  const labels = new Map<string, string>();
  const classes: readonly string[] = BTS_CLASSES;

  for await (const { line, values } of readCsv(path, ['ztfid', 'class_group'])) {
    const [objectId, label] = values.map((value) => value.trim());
    if (!classes.includes(label)) {
      throw new DatasetFormatError(
        `${path}:${line}: class_group "${label}" of ${objectId} is not one of ${BTS_CLASSES.join(', ')}`,
      );
    }
    if (labels.has(objectId)) {
      throw new DatasetFormatError(`${path}:${line}: object ${objectId} is listed twice`);
    }
    labels.set(objectId, label);
  }
  return labels;
}

function btsDetection(object: ObjectRows, index: number, path: string): Detection {
  const { line, values } = object.rows[index];
  const band = BAND_NAMES[values[BAND].trim()];
  if (band === undefined) {
    throw new DatasetFormatError(`${path}:${line}: band "${values[BAND]}" is not g or R`);
  }

  const mag = parseFiniteNumber(values[MAG], path, line, 'mag');
  const magErr = parseFiniteNumber(values[MAGERR], path, line, 'magerr');
  const flux = magnitudeToMicrojansky(mag);

  return {
    // The table has no candid, so the id is the object id and the row's position in the object's rows.
    sourceId: `${object.objectId}_${index}`,
    mjd: parseFiniteNumber(values[MJD], path, line, 'mjd'),
    band,
    flux,
    fluxErr: magnitudeErrorToFluxError(flux, magErr),
    mag,
    magErr,
    isDiffPos: true,
    rb: Number.NaN,
    drb: Number.NaN,
  };
}
