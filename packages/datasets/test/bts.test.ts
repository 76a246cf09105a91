import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { BTS_CLASSES, btsDataset, emptyReadStats, type LabeledLightCurve } from '../src/index.ts';
import { sharedDataPath } from '../../../test/support/shared-data.ts';

const BTS_DIR = sharedDataPath('lightcurves', 'ztf_bts_antares_2021');

// The shared copy of the BTS set keeps 2,168 of its 2,710 objects, with 77,588 photometry rows.
const EXPECTED_OBJECTS = 2168;
const EXPECTED_ROWS = 77588;

describe.skipIf(BTS_DIR === undefined)('bts reader on the shared data', () => {
  const objects: LabeledLightCurve[] = [];
  const stats = emptyReadStats();

  beforeAll(async () => {
    for await (const object of btsDataset.read(BTS_DIR as string, stats)) {
      objects.push(object);
    }
  });

  it('bts object count', () => {
    expect(objects.length).toBe(EXPECTED_OBJECTS);
    expect(stats.objects).toBe(EXPECTED_OBJECTS);
    expect(new Set(objects.map((object) => object.lightCurve.objectId)).size).toBe(EXPECTED_OBJECTS);
  });

  it('bts row count', () => {
    const detections = objects.reduce((sum, object) => sum + object.lightCurve.detections.length, 0);

    expect(stats.rows).toBe(EXPECTED_ROWS);
    expect(stats.duplicatesDropped).toBeGreaterThan(0);
    expect(detections + stats.duplicatesDropped).toBe(EXPECTED_ROWS);
  });

  it('bts bands are g and r', () => {
    const bands = new Set(objects.flatMap((object) => object.lightCurve.detections.map((point) => point.band)));

    expect([...bands].sort()).toEqual(['g', 'r']);
  });

  it('bts labels are class groups', () => {
    const labels = new Set(objects.map((object) => object.label));

    expect([...labels].sort()).toEqual([...BTS_CLASSES].sort());
  });

  it('bts detections sorted and unique', () => {
    const unsorted: string[] = [];
    const repeatedIds: string[] = [];
    for (const { lightCurve } of objects) {
      const points = lightCurve.detections;
      for (let i = 1; i < points.length; i += 1) {
        const previous = points[i - 1];
        const ordered = previous.mjd < points[i].mjd || (previous.mjd === points[i].mjd && previous.band < points[i].band);
        if (!ordered) unsorted.push(`${lightCurve.objectId}[${i}]`);
      }
      if (new Set(points.map((point) => point.sourceId)).size !== points.length) repeatedIds.push(lightCurve.objectId);
    }

    expect(unsorted).toEqual([]);
    expect(repeatedIds).toEqual([]);
  });

  it('bts flux from magnitude', () => {
    const first = objects.find((object) => object.lightCurve.objectId === 'ZTF17aaazdba');
    const point = first?.lightCurve.detections[0];

    // First row of ZTF17aaazdba in the table: g, mag 18.456600189208984, magerr 0.15402500331401825.
    expect(point?.band).toBe('g');
    expect(point?.mag).toBe(18.456600189208984);
    expect(point?.flux).toBeCloseTo(10 ** (-0.4 * (18.456600189208984 - 23.9)), 9);
    expect(point?.fluxErr).toBeCloseTo(
      (point?.flux ?? Number.NaN) * 0.15402500331401825 * Math.LN10 / 2.5,
      9,
    );
    expect(point?.isDiffPos).toBe(true);
    expect(point?.rb).toBeNaN();
    expect(point?.drb).toBeNaN();
  });
});

describe('bts reader on small tables', () => {
  let dir: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'lightbridge-bts-'));
  });

  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  async function writeTables(folder: string, photometry: string[], labels: string[]): Promise<string> {
    const path = join(dir, folder);
    await rm(path, { recursive: true, force: true });
    await mkdir(path);
    await writeFile(join(path, 'photometry.csv.gz'), gzipSync(['ztfid,mjd,band,mag,magerr', ...photometry, ''].join('\n')));
    await writeFile(join(path, 'labels.csv'), ['ztfid,iauid,type,class_group', ...labels, ''].join('\n'));
    return path;
  }

  async function readAll(path: string): Promise<LabeledLightCurve[]> {
    const objects: LabeledLightCurve[] = [];
    for await (const object of btsDataset.read(path)) {
      objects.push(object);
    }
    return objects;
  }

  it('bts mag 23.9 is 1 µJy', async () => {
    const path = await writeTables('unit', ['ZTF1,59000.5,R,23.9,0.1', 'ZTF1,59000.1,g,18.9,0.2'], ['ZTF1,SN1,"SN Ia, pec",Ia']);

    const [object] = await readAll(path);
    const [first, second] = object.lightCurve.detections;

    expect(first.band).toBe('g');
    expect(first.flux).toBeCloseTo(100, 9);
    expect(first.fluxErr).toBeCloseTo(100 * 0.2 * Math.LN10 / 2.5, 9);
    expect(second.band).toBe('r');
    expect(second.flux).toBeCloseTo(1, 12);
    expect(second.sourceId).toBe('ZTF1_0');
    expect(first.sourceId).toBe('ZTF1_1');
    expect(object.label).toBe('Ia');
  });

  it('bts rejects unknown band', async () => {
    const path = await writeTables('band', ['ZTF1,59000.5,i,19,0.1'], ['ZTF1,SN1,SN Ia,Ia']);

    await expect(readAll(path)).rejects.toThrow(/band "i"/);
  });

  it('bts rejects missing label', async () => {
    const path = await writeTables('label', ['ZTF2,59000.5,g,19,0.1'], ['ZTF1,SN1,SN Ia,Ia']);

    await expect(readAll(path)).rejects.toThrow(/ZTF2 has photometry but no row/);
  });

  it('bts rejects unknown class', async () => {
    const path = await writeTables('class', ['ZTF1,59000.5,g,19,0.1'], ['ZTF1,SN1,SN Ia,Iax']);

    await expect(readAll(path)).rejects.toThrow(/class_group "Iax"/);
  });

  it('bts rejects split object', async () => {
    const path = await writeTables(
      'split',
      ['ZTF1,59000.5,g,19,0.1', 'ZTF2,59000.5,g,19,0.1', 'ZTF1,59001.5,g,19,0.1'],
      ['ZTF1,SN1,SN Ia,Ia', 'ZTF2,SN2,SN II,II'],
    );

    await expect(readAll(path)).rejects.toThrow(/not contiguous/);
  });

  it('bts rejects bad magnitude', async () => {
    const path = await writeTables('number', ['ZTF1,59000.5,g,abc,0.1'], ['ZTF1,SN1,SN Ia,Ia']);

    await expect(readAll(path)).rejects.toThrow(/:2: mag "abc" is not a finite number/);
  });

  it('bts rejects missing folder', async () => {
    await expect(readAll(join(dir, 'absent'))).rejects.toThrow(/ENOENT/);
  });

  it('bts drops duplicate points', async () => {
    const path = await writeTables(
      'duplicates',
      ['ZTF1,59000.5,g,19,0.1', 'ZTF1,59000.5,g,19.0001,0.1', 'ZTF1,59000.5,R,19,0.1'],
      ['ZTF1,SN1,SN Ia,Ia'],
    );
    const stats = emptyReadStats();

    const objects: LabeledLightCurve[] = [];
    for await (const object of btsDataset.read(path, stats)) {
      objects.push(object);
    }

    expect(objects[0].lightCurve.detections.length).toBe(2);
    expect(objects[0].lightCurve.detections[0].mag).toBe(19);
    expect(stats.duplicatesDropped).toBe(1);
    expect(stats.rows).toBe(3);
  });
});
