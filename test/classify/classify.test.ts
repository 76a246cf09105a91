import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { decodeAlerts, decodeContainer } from '@lightbridge/alerts';
import { LmdbLightCurveStore } from '@lightbridge/lightcurve';
import { classifyFiles, DEFAULT_MODEL_FOLDER } from '../../services/cli/src/classify/run.ts';
import { sharedDataPath, SHARED_DATA, ZTF_ALERT_FOLDERS } from '../support/shared-data.ts';
import { listAvroFiles } from '../../packages/alerts/test/helpers.ts';

const alertsRoot = sharedDataPath('alerts');
const describeData = alertsRoot === undefined ? describe.skip : describe;
const folders = ZTF_ALERT_FOLDERS.map((folder) => join(SHARED_DATA, folder));

interface Classification {
  objectId: string;
  candid: string;
  probabilities: Record<string, number> | null;
  predictedClass: string | null;
  modelVersion: string | null;
  flags: string[];
  features: Record<string, number | null>;
  nDetections: number;
}

function readNdjson<T>(path: string): T[] {
  return readFileSync(path, 'utf8').split('\n').filter((line) => line !== '').map((line) => JSON.parse(line) as T);
}

async function classify(paths: string[], outDir: string, stateDir = join(outDir, 'state'), reorderWindow = 2000) {
  return classifyFiles({ paths, outDir, stateDir, modelDir: DEFAULT_MODEL_FOLDER, batchSize: 64, reorderWindow, progress: false });
}

describeData('classify on the real ZTF alerts', () => {
  const outDir = mkdtempSync(join(tmpdir(), 'lightbridge-classify-'));
  let summary: Awaited<ReturnType<typeof classify>>;
  let records: Classification[];
  let rejected: { source: string; reason: string; message: string }[];

  it('writes one record per decodable alert', async () => {
    summary = await classify(folders, outDir);
    records = readNdjson<Classification>(join(outDir, 'classifications.ndjson'));
    rejected = readNdjson(join(outDir, 'rejected.ndjson'));

    const inputFiles = folders.flatMap((folder) => listAvroFiles(folder));
    expect(summary.read).toBe(inputFiles.length);
    expect(records.length + rejected.length).toBe(inputFiles.length);
    expect(new Set(records.map((record) => record.candid)).size).toBe(records.length);
    expect(summary.classified + records.filter((record) => record.probabilities === null).length).toBe(records.length);
  });

  it('rejects the non-ZTF alert with its reason', () => {
    const decat = rejected.filter((entry) => entry.source.includes('/decat/'));
    expect(decat.length).toBe(1);
    expect(decat[0]!.reason).toBe('unknown-schema');
  });

  it('rejects a repeated candid as a duplicate', () => {
    const duplicates = rejected.filter((entry) => entry.reason === 'duplicate');
    for (const duplicate of duplicates) expect(duplicate.message).toMatch(/already classified from/);
    const reasons = new Set(rejected.map((entry) => entry.reason));
    for (const reason of reasons) expect(['unknown-schema', 'duplicate']).toContain(reason);
  });

  it('gives probabilities that sum to 1', () => {
    const scored = records.filter((record) => record.probabilities !== null);
    expect(scored.length).toBeGreaterThan(100);
    for (const record of scored) {
      const total = Object.values(record.probabilities!).reduce((sum, value) => sum + value, 0);
      expect(Math.abs(total - 1), `candid ${record.candid}`).toBeLessThan(1e-9);
      expect(record.modelVersion).not.toBeNull();
      expect(record.predictedClass).not.toBeNull();
    }
  });

  it('flags unscored records and never scores them', () => {
    for (const record of records.filter((entry) => entry.probabilities === null)) {
      expect(record.flags.length, `candid ${record.candid}`).toBeGreaterThan(0);
      expect(record.modelVersion).toBeNull();
    }
  });

  it('writes the same records as Avro', () => {
    const container = decodeContainer(readFileSync(join(outDir, 'classifications.avro')), { maxBytes: 1 << 30, maxRecordsPerBlock: 1 << 20 });
    const avroRecords = container.records as { candid: bigint; objectId: string; predictedClass: string | null }[];
    expect(avroRecords.length).toBe(records.length);
    avroRecords.forEach((record, i) => {
      expect(record.candid.toString()).toBe(records[i]!.candid);
      expect(record.predictedClass).toBe(records[i]!.predictedClass);
    });
  });

  it('gives the same output on a second run with the same state', async () => {
    const secondOut = mkdtempSync(join(tmpdir(), 'lightbridge-classify-'));
    await classify(folders, secondOut, join(outDir, 'state'));
    expect(readFileSync(join(secondOut, 'classifications.ndjson'), 'utf8')).toBe(readFileSync(join(outDir, 'classifications.ndjson'), 'utf8'));
    expect(readFileSync(join(secondOut, 'rejected.ndjson'), 'utf8')).toBe(readFileSync(join(outDir, 'rejected.ndjson'), 'utf8'));
  });

  it('stores ZTF21abiuvdk with each detection once, in time order', async () => {
    const store = new LmdbLightCurveStore({ path: join(outDir, 'state') });
    const lightCurve = store.get('ztf', 'ZTF21abiuvdk');
    await store.close();

    expect(lightCurve?.alertIds.length).toBe(34);
    const ids = lightCurve!.detections.map((point) => point.sourceId);
    expect(new Set(ids).size).toBe(ids.length);
    for (let i = 1; i < ids.length; i += 1) {
      expect(lightCurve!.detections[i]!.mjd).toBeGreaterThanOrEqual(lightCurve!.detections[i - 1]!.mjd);
    }
    const candidates = records.filter((record) => record.objectId === 'ZTF21abiuvdk');
    expect(candidates.length).toBe(34);
    expect(Math.max(...candidates.map((record) => record.nDetections))).toBe(ids.length);
  });
});

describeData('classify with alerts out of order', () => {
  const objectFolder = join(SHARED_DATA, 'alerts', 'pitt-google', 'ztf', 'ZTF21abiuvdk');

  /** Copies the object's alerts under names whose order is the reverse of time order. */
  function reversedCopy(): string {
    const files = listAvroFiles(objectFolder);
    const folder = mkdtempSync(join(tmpdir(), 'lightbridge-reversed-'));
    files.forEach((file, i) => copyFileSync(file, join(folder, `${String(files.length - i).padStart(3, '0')}-${basename(file)}`)));
    return folder;
  }

  const byCandid = (path: string) =>
    new Map(readNdjson<Classification>(path).map((record) => [record.candid, JSON.stringify(record)]));

  // A reorder window of 0 keeps the reversed input order, so the alerts really arrive out of order.
  it('builds the same light curve as in order', async () => {
    const inOrderOut = mkdtempSync(join(tmpdir(), 'lightbridge-classify-'));
    const reversedOut = mkdtempSync(join(tmpdir(), 'lightbridge-classify-'));
    await classify([objectFolder], inOrderOut);
    await classify([reversedCopy()], reversedOut, join(reversedOut, 'state'), 0);

    const read = async (outDir: string) => {
      const store = new LmdbLightCurveStore({ path: join(outDir, 'state') });
      const lightCurve = store.get('ztf', 'ZTF21abiuvdk');
      await store.close();
      return lightCurve;
    };
    const inOrder = await read(inOrderOut);
    expect(inOrder?.detections.length).toBeGreaterThan(30);
    expect(await read(reversedOut)).toEqual(inOrder);
  });

  it('uses only alerts that arrived, never later ones', async () => {
    const reversedOut = mkdtempSync(join(tmpdir(), 'lightbridge-classify-'));
    await classify([reversedCopy()], reversedOut, join(reversedOut, 'state'), 0);
    const alerts = listAvroFiles(objectFolder).map((file) => decodeAlerts(readFileSync(file))[0]!);

    // Newest first: each alert arrives before every earlier one, so it uses its own packet only.
    for (const record of readNdjson<Classification>(join(reversedOut, 'classifications.ndjson'))) {
      const alert = alerts.find((candidate) => candidate.candid === record.candid)!;
      const ownDetections = new Set(alert.detections.map((point) => point.sourceId)).size;
      expect(record.nDetections, `candid ${record.candid}`).toBe(ownDetections);
    }
  });

  it('gives the in-order records when run again over the same state', async () => {
    // Records come out in input order here, so they are compared by candid.
    const inOrderOut = mkdtempSync(join(tmpdir(), 'lightbridge-classify-'));
    const reversedOut = mkdtempSync(join(tmpdir(), 'lightbridge-classify-'));
    const rerunOut = mkdtempSync(join(tmpdir(), 'lightbridge-classify-'));
    const reversedInput = reversedCopy();
    await classify([objectFolder], inOrderOut);
    await classify([reversedInput], reversedOut, join(reversedOut, 'state'), 0);
    await classify([reversedInput], rerunOut, join(reversedOut, 'state'), 0);

    const inOrder = byCandid(join(inOrderOut, 'classifications.ndjson'));
    const rerun = byCandid(join(rerunOut, 'classifications.ndjson'));
    expect(rerun.size).toBe(34);
    for (const [candid, record] of inOrder) expect(rerun.get(candid), `candid ${candid}`).toBe(record);
  });
});

describeData('classify with a reorder window', () => {
  it('gives reversed input the in-order records', async () => {
    const objectFolder = join(SHARED_DATA, 'alerts', 'pitt-google', 'ztf', 'ZTF21abiuvdk');
    const files = listAvroFiles(objectFolder);
    const reversedDir = mkdtempSync(join(tmpdir(), 'lightbridge-reversed-'));
    files.forEach((file, i) => copyFileSync(file, join(reversedDir, `${String(files.length - i).padStart(3, '0')}-${basename(file)}`)));
    const inOrderOut = mkdtempSync(join(tmpdir(), 'lightbridge-classify-'));
    const reversedOut = mkdtempSync(join(tmpdir(), 'lightbridge-classify-'));
    await classify([objectFolder], inOrderOut);
    await classify([reversedDir], reversedOut);
    expect(readFileSync(join(reversedOut, 'classifications.ndjson'), 'utf8')).toBe(
      readFileSync(join(inOrderOut, 'classifications.ndjson'), 'utf8'),
    );
  });
});

describeData('classify with bad input among good', () => {
  it('rejects each bad file with its reason and classifies the rest', async () => {
    const goodFolder = join(SHARED_DATA, 'alerts', 'ztf-avro-alert', 'data');
    const good = listAvroFiles(goodFolder);
    const inputDir = mkdtempSync(join(tmpdir(), 'lightbridge-bad-'));
    mkdirSync(join(inputDir, 'nested'));
    good.forEach((file) => copyFileSync(file, join(inputDir, 'nested', basename(file))));
    const original = readFileSync(good[0]!);
    writeFileSync(join(inputDir, 'truncated.avro'), original.subarray(0, Math.floor(original.length / 2)));
    writeFileSync(join(inputDir, 'empty.avro'), Buffer.alloc(0));
    writeFileSync(join(inputDir, 'text.avro'), 'this is not an alert\n');
    writeFileSync(join(inputDir, 'notes.txt'), 'ignored: not .avro inside a folder\n');

    const outDir = mkdtempSync(join(tmpdir(), 'lightbridge-classify-'));
    const summary = await classify([inputDir], outDir);
    const records = readNdjson<Classification>(join(outDir, 'classifications.ndjson'));
    const rejected = readNdjson<{ source: string; reason: string }>(join(outDir, 'rejected.ndjson'));

    expect(records.length).toBe(good.length);
    const reasonOf = (name: string) => rejected.find((entry) => entry.source.endsWith(name))?.reason;
    expect(reasonOf('truncated.avro')).toBe('truncated');
    expect(reasonOf('empty.avro')).toBe('empty');
    expect(reasonOf('text.avro')).toBe('not-avro');
    expect(rejected.length).toBe(3);
    expect(summary.rejectedByReason).toEqual({ truncated: 1, empty: 1, 'not-avro': 1 });
  });
});
