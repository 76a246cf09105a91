import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { createGunzip, gzipSync } from 'node:zlib';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { ZTF_FEATURES } from '@lightbridge/features';
import { command } from '../../../services/cli/src/commands/features.ts';
import { UsageError } from '../../../services/cli/src/command.ts';
import { btsDataset, chooseDetectionCounts, formatNumber, ID_COLUMNS, type LabeledLightCurve } from '../src/index.ts';
import { sharedDataPath } from '../../../test/support/shared-data.ts';

const BTS_DIR = sharedDataPath('lightcurves', 'ztf_bts_antares_2021');
const SUBSET_OBJECTS = 25;

describe('chooseDetectionCounts', () => {
  it('detection counts default schedule', () => {
    expect(chooseDetectionCounts(50, 5, 0, 'A')).toEqual([2, 3, 5, 10, 50]);
  });

  it('detection counts short light curve', () => {
    expect(chooseDetectionCounts(4, 5, 0, 'A')).toEqual([2, 3, 4]);
    expect(chooseDetectionCounts(1, 5, 0, 'A')).toEqual([1]);
    expect(chooseDetectionCounts(0, 5, 0, 'A')).toEqual([]);
  });

  it('detection counts fewer epochs', () => {
    expect(chooseDetectionCounts(50, 1, 0, 'A')).toEqual([50]);
    expect(chooseDetectionCounts(50, 3, 0, 'A')).toEqual([2, 3, 50]);
  });

  it('detection counts extra epochs seeded', () => {
    const first = chooseDetectionCounts(100, 8, 7, 'A');
    const again = chooseDetectionCounts(100, 8, 7, 'A');
    const otherSeed = chooseDetectionCounts(100, 8, 8, 'A');

    expect(first.length).toBe(8);
    expect(first.slice(0, 4)).toEqual([2, 3, 5, 10]);
    expect(first[7]).toBe(100);
    expect(first.slice(4, 7).every((k) => k > 10 && k < 100)).toBe(true);
    expect(again).toEqual(first);
    expect(otherSeed).not.toEqual(first);
  });

  it('formatNumber writes nan and inf', () => {
    expect(formatNumber(Number.NaN)).toBe('nan');
    expect(formatNumber(Number.POSITIVE_INFINITY)).toBe('inf');
    expect(formatNumber(Number.NEGATIVE_INFINITY)).toBe('-inf');
    expect(formatNumber(0.1 + 0.2)).toBe('0.30000000000000004');
  });
});

describe('features command', () => {
  let dir: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'lightbridge-features-'));
  });

  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('features rejects missing dataset', async () => {
    await expect(command.run(['--input', dir, '--out', join(dir, 'x.csv')])).rejects.toThrow(UsageError);
  });

  it('features rejects unknown dataset', async () => {
    await expect(command.run(['--dataset', 'plasticc', '--input', dir, '--out', join(dir, 'x.csv')])).rejects.toThrow(
      /"plasticc" is not one of bts, snphotcc/,
    );
  });

  it('features rejects bad epochs', async () => {
    const args = ['--dataset', 'bts', '--input', dir, '--out', join(dir, 'x.csv'), '--epochs', '0'];

    await expect(command.run(args)).rejects.toThrow(/--epochs "0" is not an integer/);
  });

  it('features rejects missing input', async () => {
    const args = ['--dataset', 'bts', '--input', join(dir, 'absent'), '--out', join(dir, 'x.csv')];

    await expect(command.run(args)).rejects.toThrow(/photometry.csv.gz not found/);
  });

  it('features writes nan for missing values', async () => {
    const input = join(dir, 'tiny');
    await mkdir(input);
    await writeFile(join(input, 'photometry.csv.gz'), gzipSync('ztfid,mjd,band,mag,magerr\nZTF1,59000,g,19,0.1\n'));
    await writeFile(join(input, 'labels.csv'), 'ztfid,class_group\nZTF1,II\n');
    const out = join(dir, 'tiny.csv');

    const code = await command.run(['--dataset', 'bts', '--input', input, '--out', out]);
    const lines = (await readFile(out, 'utf8')).trimEnd().split('\n');
    const fields = lines[1].split(',');

    expect(code).toBe(0);
    expect(lines.length).toBe(2);
    expect(fields.slice(0, 4)).toEqual(['ZTF1', 'II', '59000', '1']);
    expect(fields).toContain('nan');
    expect(fields).not.toContain('');
    expect(fields).not.toContain('NaN');
  });
});

describe.skipIf(BTS_DIR === undefined)('features command on a BTS subset', () => {
  let dir: string;
  let out: string;
  let lines: string[];
  let sidecar: Record<string, unknown>;
  const objects: LabeledLightCurve[] = [];

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'lightbridge-bts-subset-'));
    const input = join(dir, 'bts');
    await mkdir(input);
    await writeSubset(BTS_DIR as string, input, SUBSET_OBJECTS);
    out = join(dir, 'features.csv');

    const code = await command.run(['--dataset', 'bts', '--input', input, '--out', out]);
    expect(code).toBe(0);

    lines = (await readFile(out, 'utf8')).trimEnd().split('\n');
    sidecar = JSON.parse(await readFile(`${out}.json`, 'utf8')) as Record<string, unknown>;
    for await (const object of btsDataset.read(input)) {
      objects.push(object);
    }
  });

  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('features header columns', () => {
    expect(lines[0].split(',')).toEqual([...ID_COLUMNS, ...ZTF_FEATURES.names]);
  });

  it('features sidecar provenance', async () => {
    const inputs = sidecar.inputs as { file: string; sha256: string }[];
    const photometry = inputs.find((input) => input.file === 'photometry.csv.gz');

    expect(sidecar.featureVersion).toBe(ZTF_FEATURES.version);
    expect(sidecar.dataset).toBe('bts');
    expect(sidecar.rows).toBe(lines.length - 1);
    expect(sidecar.objects).toBe(SUBSET_OBJECTS);
    expect(photometry?.sha256).toBe(await sha256(join(dir, 'bts', 'photometry.csv.gz')));
  });

  it('features rows per object', () => {
    for (const object of objects) {
      const rows = lines.slice(1).map((line) => line.split(',')).filter((fields) => fields[0] === object.lightCurve.objectId);
      const points = rows.map((fields) => Number(fields[3]));
      const detections = object.lightCurve.detections;

      expect(rows.length, object.lightCurve.objectId).toBeGreaterThan(0);
      expect(rows.length, object.lightCurve.objectId).toBeLessThanOrEqual(5);
      expect(points.at(-1), object.lightCurve.objectId).toBe(detections.length);
      expect(Number(rows.at(-1)?.[2]), object.lightCurve.objectId).toBe(detections.at(-1)?.mjd);
      expect([...points].sort((a, b) => a - b), object.lightCurve.objectId).toEqual(points);
      expect(rows.every((fields) => fields[1] === object.label), object.lightCurve.objectId).toBe(true);
    }
  });

  it('features values match extract', () => {
    const object = objects.find((candidate) => candidate.lightCurve.detections.length >= 10) as LabeledLightCurve;
    const rows = lines.slice(1).map((line) => line.split(',')).filter((fields) => fields[0] === object.lightCurve.objectId);

    for (const fields of rows) {
      const expected = ZTF_FEATURES.extract(object.lightCurve, undefined, Number(fields[2]));
      expect(fields.slice(ID_COLUMNS.length)).toEqual(Array.from(expected, formatNumber));
    }
  });
});

/** Copies the first `count` objects of the BTS tables into `target`. */
async function writeSubset(source: string, target: string, count: number): Promise<void> {
  const kept: string[] = [];
  const ids = new Set<string>();
  const lines = createInterface({ input: createReadStream(join(source, 'photometry.csv.gz')).pipe(createGunzip()) });
  for await (const line of lines) {
    const id = line.split(',')[0];
    if (id !== 'ztfid' && !ids.has(id)) {
      if (ids.size === count) break;
      ids.add(id);
    }
    kept.push(line);
  }
  lines.close();
  await writeFile(join(target, 'photometry.csv.gz'), gzipSync(`${kept.join('\n')}\n`));

  const labels = (await readFile(join(source, 'labels.csv'), 'utf8')).trimEnd().split('\n');
  const subset = labels.filter((line, index) => index === 0 || ids.has(line.split(',')[0]));
  await writeFile(join(target, 'labels.csv'), `${subset.join('\n')}\n`);
}

async function sha256(path: string): Promise<string> {
  return createHash('sha256').update(await readFile(path)).digest('hex');
}
