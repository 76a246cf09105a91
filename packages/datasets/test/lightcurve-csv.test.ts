import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { desCsvDataset, emptyReadStats, type LabeledLightCurve } from '../src/index.ts';

const HEADER = 'object_id,label,mjd,band,flux,flux_err';

describe('des-csv light-curve reader', () => {
  let dir: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'lightbridge-des-csv-'));
  });

  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  async function readTable(rows: string[]): Promise<{ objects: LabeledLightCurve[]; rows: number }> {
    const path = join(dir, `case-${Math.random().toString(36).slice(2)}`);
    await mkdir(path);
    await writeFile(join(path, 'lightcurves.csv'), [HEADER, ...rows, ''].join('\n'));

    const stats = emptyReadStats();
    const objects: LabeledLightCurve[] = [];
    for await (const object of desCsvDataset.read(path, stats)) objects.push(object);
    return { objects, rows: stats.rows };
  }

  it('des-csv groups objects', async () => {
    const { objects, rows } = await readTable(['a1,Ia,56000,g,50,2', 'a1,Ia,56001,r,60,2', 'b2,II,56000,z,7,2']);

    expect(rows).toBe(3);
    expect(objects.map((object) => object.lightCurve.objectId)).toEqual(['a1', 'b2']);
    expect(objects.map((object) => object.label)).toEqual(['Ia', 'II']);
    expect(objects[0].lightCurve.survey).toBe('des');
    expect(objects[0].subset).toBe('des-csv');
  });

  it('des-csv detections at 5 sigma', async () => {
    const { objects } = await readTable(['a1,Ia,56000,g,50,2', 'a1,Ia,56001,g,9,2', 'a1,Ia,56002,i,-20,2']);
    const { detections, nonDetections, forcedPhotometry } = objects[0].lightCurve;

    expect(forcedPhotometry.length).toBe(3);
    expect(detections.map((point) => point.mjd)).toEqual([56000, 56002]);
    expect(detections[0].flux).toBe(50);
    expect(detections[0].mag).toBeCloseTo(23.9 - 2.5 * Math.log10(50), 10);
    expect(detections[1].isDiffPos).toBe(false);
    expect(nonDetections.length).toBe(1);
    expect(nonDetections[0].limitingMag).toBeCloseTo(23.9 - 2.5 * Math.log10(10), 10);
  });

  it('des-csv rejects mixed labels', async () => {
    await expect(readTable(['a1,Ia,56000,g,50,2', 'a1,II,56001,g,50,2'])).rejects.toThrow(/labels "Ia" and "II"/);
  });

  it('des-csv rejects unknown band', async () => {
    await expect(readTable(['a1,Ia,56000,u,50,2'])).rejects.toThrow(/band "u"/);
  });

  it('des-csv rejects unknown label', async () => {
    await expect(readTable(['a1,SLSN,56000,g,50,2'])).rejects.toThrow(/label "SLSN"/);
  });

  it('des-csv rejects zero flux error', async () => {
    await expect(readTable(['a1,Ia,56000,g,50,0'])).rejects.toThrow(/flux_err "0"/);
  });
});
