import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import {
  emptyReadStats,
  snphotccDataset,
  snphotccPhotometricDataset,
  snphotccSpectroscopicDataset,
  type DatasetReader,
  type LabeledLightCurve,
} from '../src/index.ts';
import { sharedDataPath } from '../../../test/support/shared-data.ts';

const SNPHOTCC_DIR = sharedDataPath('lightcurves', 'snphotcc_des_post_challenge');

/** µJy per FLUXCAL: 10^(−0.4 (27.5 − 23.9)). */
const MICROJANSKY_PER_FLUXCAL = 10 ** (-0.4 * 3.6);

describe.skipIf(SNPHOTCC_DIR === undefined)('snphotcc reader on the shared data', () => {
  const counts = new Map<string, number>();
  const bands = new Set<string>();
  const stats = emptyReadStats();

  beforeAll(async () => {
    for await (const object of snphotccDataset.read(SNPHOTCC_DIR as string, stats)) {
      const key = `${object.subset}:${object.label}`;
      counts.set(key, (counts.get(key) ?? 0) + 1);
      for (const point of object.lightCurve.forcedPhotometry) bands.add(point.band);
    }
  });

  // The SNPhotCC DES release has 21,319 objects and 2,052,860 observations in g, r, i, z.
  it('snphotcc object and row counts', () => {
    expect(stats.objects).toBe(21319);
    expect(stats.rows).toBe(2052860);
  });

  it('snphotcc bands', () => {
    expect([...bands].sort()).toEqual(['g', 'i', 'r', 'z']);
  });

  // Spectroscopic sample 1,103 objects with 559 Ia; photometric sample 20,216 with 4,529 Ia.
  it('snphotcc samples and labels', () => {
    const spectroscopic = ['Ia', 'II', 'Ibc'].reduce((sum, label) => sum + (counts.get(`spectroscopic_train:${label}`) ?? 0), 0);
    const photometric = ['Ia', 'II', 'Ibc'].reduce((sum, label) => sum + (counts.get(`photometric_test:${label}`) ?? 0), 0);

    expect(counts.get('spectroscopic_train:Ia')).toBe(559);
    expect(spectroscopic).toBe(1103);
    expect(counts.get('photometric_test:Ia')).toBe(4529);
    expect(photometric).toBe(20216);
  });
});

describe('snphotcc reader on small tables', () => {
  let dir: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'lightbridge-snphotcc-'));
  });

  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  async function readTables(
    photometry: string[],
    metadata: string[],
    reader: DatasetReader = snphotccDataset,
  ): Promise<{ objects: LabeledLightCurve[]; skipped: number; count: number }> {
    const path = join(dir, `case-${Math.random().toString(36).slice(2)}`);
    await mkdir(path);
    await writeFile(join(path, 'photometry.csv.gz'), gzipSync(['snid,mjd,band,fluxcal,fluxcalerr', ...photometry, ''].join('\n')));
    await writeFile(join(path, 'metadata.csv'), ['snid,sample,true_type', ...metadata, ''].join('\n'));

    const stats = emptyReadStats();
    const objects: LabeledLightCurve[] = [];
    for await (const object of reader.read(path, stats)) objects.push(object);
    return { objects, skipped: stats.rowsSkipped, count: stats.objects };
  }

  it('snphotcc fluxcal to microjansky', async () => {
    const { objects } = await readTables(['7,56000.5,r,100,10'], ['7,spectroscopic_train,IIP']);
    const [point] = objects[0].lightCurve.forcedPhotometry;

    expect(point.flux).toBeCloseTo(100 * MICROJANSKY_PER_FLUXCAL, 10);
    expect(point.fluxErr).toBeCloseTo(10 * MICROJANSKY_PER_FLUXCAL, 10);
    expect(objects[0].label).toBe('II');
    expect(objects[0].subset).toBe('spectroscopic_train');
    expect(objects[0].lightCurve.survey).toBe('des');
  });

  it('snphotcc detections at 5 sigma', async () => {
    const { objects } = await readTables(
      ['7,56000.5,g,100,10', '7,56001.5,g,40,10', '7,56002.5,i,-60,10'],
      ['7,photometric_test,Ic'],
    );
    const { detections, nonDetections, forcedPhotometry } = objects[0].lightCurve;

    expect(forcedPhotometry.length).toBe(3);
    expect(detections.map((point) => point.mjd)).toEqual([56000.5, 56002.5]);
    expect(detections[0].isDiffPos).toBe(true);
    expect(detections[1].isDiffPos).toBe(false);
    expect(detections[0].mag).toBeCloseTo(27.5 - 2.5 * Math.log10(100), 10);
    expect(nonDetections.length).toBe(1);
    expect(nonDetections[0].limitingMag).toBeCloseTo(27.5 - 2.5 * Math.log10(50), 10);
    expect(objects[0].label).toBe('Ibc');
  });

  it('snphotcc skips missing measurements', async () => {
    const { objects, skipped } = await readTables(['7,56000.5,z,-9.000e+00,-9.000e+00', '7,56001.5,z,5,1'], ['7,photometric_test,Ia']);

    expect(skipped).toBe(1);
    expect(objects[0].lightCurve.forcedPhotometry.length).toBe(1);
  });

  it('snphotcc rejects unknown type', async () => {
    await expect(readTables(['7,56000.5,g,5,1'], ['7,photometric_test,SLSN'])).rejects.toThrow(/true_type "SLSN"/);
  });

  it('snphotcc rejects unknown band', async () => {
    await expect(readTables(['7,56000.5,Y,5,1'], ['7,photometric_test,Ia'])).rejects.toThrow(/band "Y"/);
  });

  it('snphotcc spectroscopic sample only', async () => {
    const photometry = ['7,56000.5,g,100,10', '8,56000.5,g,100,10', '9,56000.5,g,100,10'];
    const metadata = ['7,spectroscopic_train,Ia', '8,photometric_test,Ia', '9,spectroscopic_train,II'];
    const { objects, count } = await readTables(photometry, metadata, snphotccSpectroscopicDataset);

    expect(objects.map((object) => object.lightCurve.objectId)).toEqual(['7', '9']);
    expect(count).toBe(2);
  });

  it('snphotcc photometric sample only', async () => {
    const photometry = ['7,56000.5,g,100,10', '8,56000.5,g,100,10'];
    const metadata = ['7,spectroscopic_train,Ia', '8,photometric_test,Ibc'];
    const { objects } = await readTables(photometry, metadata, snphotccPhotometricDataset);

    expect(objects.map((object) => object.lightCurve.objectId)).toEqual(['8']);
    expect(objects[0].subset).toBe('photometric_test');
  });
});
