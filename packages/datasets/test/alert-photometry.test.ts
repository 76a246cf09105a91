import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import type { LightCurve } from '@lightbridge/lightcurve';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import {
  readAlertLightCurves,
  targetPhotometryRows,
  TARGET_PHOTOMETRY_COLUMNS,
  writeTargetPhotometry,
  ztfCsvDataset,
  type LabeledLightCurve,
} from '../src/index.ts';
import { sharedDataPath } from '../../../test/support/shared-data.ts';

const ALERTS_DIR = sharedDataPath('alerts', 'ztf-avro-alert');

function lightCurve(): LightCurve {
  return {
    survey: 'ztf',
    objectId: 'ZTF21abcdefg',
    detections: [
      { sourceId: '2', mjd: 59002, band: 'r', flux: 120, fluxErr: 6, mag: 18.7, magErr: 0.05, isDiffPos: true, rb: 0.9, drb: 0.99 },
      { sourceId: '3', mjd: 59004, band: 'g', flux: -40, fluxErr: 5, mag: 19.9, magErr: 0.1, isDiffPos: false, rb: 0.8, drb: 0.9 },
    ],
    nonDetections: [{ mjd: 59000, band: 'g', limitingMag: 20.4 }],
    forcedPhotometry: [],
    alertIds: ['2', '3'],
  };
}

describe('target photometry rows', () => {
  it('rows are in time order', () => {
    const rows = targetPhotometryRows(lightCurve()).map((line) => line.split(','));

    expect(rows.map((row) => row[2])).toEqual(['59000', '59002', '59004']);
    expect(rows.map((row) => row[1])).toEqual(['non-detection', 'detection', 'detection']);
  });

  it('rows keep detection flux and sign', () => {
    const rows = targetPhotometryRows(lightCurve()).map((line) => line.split(','));

    expect(rows[1]).toEqual(['ZTF21abcdefg', 'detection', '59002', 'r', '120', '6']);
    expect(rows[2][4]).toBe('-40');
  });

  it('non-detection error from 5 sigma limit', () => {
    const [limit] = targetPhotometryRows(lightCurve()).map((line) => line.split(','));
    const expected = 10 ** (-0.4 * (20.4 - 23.9)) / 5;

    expect(limit[4]).toBe('nan');
    expect(Number(limit[5])).toBeCloseTo(expected, 10);
  });
});

describe('ztf-csv reader', () => {
  let dir: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'lightbridge-ztf-csv-'));
  });

  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  async function readTable(rows: string[]): Promise<LabeledLightCurve[]> {
    const path = join(dir, `case-${Math.random().toString(36).slice(2)}`);
    await mkdir(path);
    await writeFile(join(path, 'lightcurves.csv'), ['object_id,label,mjd,band,flux,flux_err', ...rows, ''].join('\n'));
    const objects: LabeledLightCurve[] = [];
    for await (const object of ztfCsvDataset.read(path)) objects.push(object);
    return objects;
  }

  it('ztf-csv reads BTS classes', async () => {
    const objects = await readTable(['ZTF1_aug0,SLSN,59000,g,50,2', 'ZTF1_aug0,SLSN,59001,r,4,2']);

    expect(objects.length).toBe(1);
    expect(objects[0].label).toBe('SLSN');
    expect(objects[0].lightCurve.survey).toBe('ztf');
    expect(objects[0].lightCurve.detections.length).toBe(1);
    expect(objects[0].lightCurve.nonDetections.length).toBe(1);
  });

  it('ztf-csv rejects band i', async () => {
    await expect(readTable(['ZTF1_aug0,Ia,59000,i,50,2'])).rejects.toThrow(/band "i" is not one of g, r/);
  });

  it('ztf-csv rejects SNPhotCC class', async () => {
    await expect(readTable(['ZTF1_aug0,Ibc-like,59000,g,50,2'])).rejects.toThrow(/label "Ibc-like"/);
  });
});

describe.skipIf(ALERTS_DIR === undefined)('target photometry of real alerts', () => {
  let dir: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'lightbridge-target-photometry-'));
  });

  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('alerts merge into one curve per object', async () => {
    const { lightCurves, stats } = await readAlertLightCurves([ALERTS_DIR as string]);

    expect(stats.alerts).toBeGreaterThan(0);
    expect(stats.unreadable).toBe(0);
    expect(stats.objects).toBe(lightCurves.length);
    expect(new Set(lightCurves.map((curve) => curve.objectId)).size).toBe(lightCurves.length);
    expect(lightCurves.every((curve) => curve.detections.length > 0)).toBe(true);
  });

  it('table has one row per point', async () => {
    const out = join(dir, 'target.csv');
    const { lightCurves } = await readAlertLightCurves([ALERTS_DIR as string]);
    const summary = await writeTargetPhotometry([ALERTS_DIR as string], out);
    const lines = (await readFile(out, 'utf8')).trimEnd().split('\n');
    const points = lightCurves.reduce((sum, curve) => sum + curve.detections.length + curve.nonDetections.length, 0);

    expect(lines[0]).toBe(TARGET_PHOTOMETRY_COLUMNS.join(','));
    expect(lines.length - 1).toBe(points);
    expect(summary.rows).toBe(points);
  });
});
