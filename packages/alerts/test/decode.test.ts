import { readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { AlertDecodeError, decodeAlerts, decodeContainer } from '../src/index.ts';
import { sharedDataPath, ZTF_ALERT_FOLDERS } from '../../../test/support/shared-data.ts';
import { listAvroFiles, rewriteAlert } from './helpers.ts';

const alertsRoot = sharedDataPath('alerts');
const describeData = alertsRoot === undefined ? describe.skip : describe;
const dataPath = (...parts: string[]) => join(alertsRoot ?? '', ...parts);

describeData('ZTF alerts from real files', () => {
  it('decodes every schema version present', () => {
    const versions = new Map<string, number>();
    for (const folder of ZTF_ALERT_FOLDERS) {
      for (const file of listAvroFiles(join(alertsRoot!, '..', folder))) {
        if (file.includes('/decat/')) continue;
        const [alert] = decodeAlerts(readFileSync(file));
        versions.set(alert!.schemaVersion, (versions.get(alert!.schemaVersion) ?? 0) + 1);
      }
    }
    for (const version of ['1.5', '1.8', '3.0', '3.1', '3.2', '3.3', '4.02']) {
      expect(versions.get(version), `schema ${version}`).toBeGreaterThan(0);
    }
  });

  it('reads Spark-rewritten files', () => {
    const files = listAvroFiles(dataPath('fink-ztf', 'all_distribute_topics'));
    expect(files.length).toBe(160);
    for (const file of files) {
      const container = decodeContainer(readFileSync(file));
      expect(container.schema.name).toBe('topLevelRecord');
      const [alert] = decodeAlerts(readFileSync(file));
      expect(alert!.objectId).toMatch(/^ZTF\d\d[a-z]{7}$/);
      expect(alert!.candid).toBe(alert!.candidate.sourceId);
      expect(alert!.schemaVersion).toBe('4.02');
    }
  });

  it('reads schemas with union defaults that break the specification', () => {
    const [alert] = decodeAlerts(readFileSync(dataPath('fink-ztf', 'schemas_example', '1628364324215010017.avro')));
    expect(alert!.candid).toBe('1628364324215010017');
  });

  it('keeps 64-bit candids exact', () => {
    const files = listAvroFiles(dataPath('pitt-google', 'ztf', 'ZTF21abiuvdk'));
    expect(files.length).toBe(34);
    for (const file of files) {
      const candidFromName = basename(file).split('.')[1];
      const [alert] = decodeAlerts(readFileSync(file));
      expect(alert!.candid).toBe(candidFromName);
      expect(alert!.objectId).toBe('ZTF21abiuvdk');
    }
  });

  it('converts negative differences to negative flux', () => {
    const [alert] = decodeAlerts(readFileSync(dataPath('ztf-avro-alert', 'data', '2019_01_10_739260766315010006.avro')));
    const candidate = alert!.candidate;
    expect(candidate.isDiffPos).toBe(false);
    expect(candidate.flux).toBeLessThan(0);
    expect(candidate.flux).toBeCloseTo(-(10 ** (-0.4 * (candidate.mag - 23.9))), 9);
    expect(candidate.fluxErr).toBeCloseTo(Math.abs(candidate.flux) * candidate.magErr * Math.log(10) / 2.5, 9);
    const negativeHistory = alert!.detections.filter((point) => point.flux < 0);
    expect(negativeHistory.length).toBeGreaterThanOrEqual(19);
  });

  it('splits history into detections and upper limits', () => {
    const [alert] = decodeAlerts(readFileSync(dataPath('ztf-avro-alert', 'data', '2019_01_10_739260766315010006.avro')));
    expect(alert!.detections.length).toBe(23);
    expect(alert!.nonDetections.length).toBe(6);
    for (const limit of alert!.nonDetections) {
      expect(Number.isFinite(limit.limitingMag)).toBe(true);
      expect(limit.mjd).toBeLessThan(alert!.mjd);
    }
  });

  it('converts jd to MJD and fid to band', () => {
    const path = dataPath('ztf-avro-alert', 'data', '472263571115115000.avro');
    const record = decodeContainer(readFileSync(path)).records[0] as any;
    const [alert] = decodeAlerts(readFileSync(path));
    expect(alert!.mjd).toBeCloseTo(record.candidate.jd - 2400000.5, 9);
    expect(alert!.candidate.band).toBe(({ 1: 'g', 2: 'r', 3: 'i' } as Record<number, string>)[record.candidate.fid]);
  });

  it('reads context fields and maps -999 to NaN', () => {
    const path = dataPath('ztf-avro-alert', 'data', '472263571115115000.avro');
    const record = decodeContainer(readFileSync(path)).records[0] as any;
    const [alert] = decodeAlerts(readFileSync(path));
    expect(alert!.context.rb).toBeCloseTo(record.candidate.rb, 6);
    expect(alert!.context.sgscore1).toBeCloseTo(record.candidate.sgscore1, 6);
    expect(alert!.context.ra).toBe(record.candidate.ra);
    if (record.candidate.ssdistnr === -999) expect(alert!.context.ssdistnr).toBeNaN();
    expect(alert!.cutouts.science?.length).toBeGreaterThan(0);
  });

  it('accepts an empty history', () => {
    const path = dataPath('ztf-avro-alert', 'data', '472263571115115000.avro');
    const bytes = rewriteAlert(path, (record) => {
      record.prv_candidates = null;
    });
    const [alert] = decodeAlerts(bytes);
    expect(alert!.detections).toEqual([alert!.candidate]);
    expect(alert!.nonDetections).toEqual([]);
    expect(alert!.warnings).toEqual([]);
  });

  it('rejects a NaN candidate magnitude', () => {
    const path = dataPath('ztf-avro-alert', 'data', '472263571115115000.avro');
    const bytes = rewriteAlert(path, (record) => {
      record.candidate.magpsf = Number.NaN;
    });
    expect(() => decodeAlerts(bytes)).toThrow(AlertDecodeError);
    expect(() => decodeAlerts(bytes)).toThrow(/magpsf is NaN/);
  });

  it('drops a NaN history point with a warning', () => {
    const path = dataPath('ztf-avro-alert', 'data', '2019_01_10_739260766315010006.avro');
    let droppedCandid = '';
    const bytes = rewriteAlert(path, (record) => {
      const entry = record.prv_candidates.find((candidate: any) => candidate.candid !== null);
      entry.magpsf = Number.NaN;
      droppedCandid = entry.candid.toString();
    });
    const [alert] = decodeAlerts(bytes);
    expect(alert!.detections.length).toBe(22);
    expect(alert!.warnings.join('\n')).toContain(droppedCandid);
  });

  it('rejects an alert without objectId', () => {
    const path = dataPath('ztf-avro-alert', 'data', '472263571115115000.avro');
    const bytes = rewriteAlert(
      path,
      (record) => {
        delete record.objectId;
      },
      (schema) => {
        schema.fields = schema.fields.filter((field: any) => field.name !== 'objectId');
      },
    );
    expect(() => decodeAlerts(bytes)).toThrow(expect.objectContaining({ reason: 'unknown-schema' }));
  });

  it('rejects an unknown survey schema', () => {
    const decat = listAvroFiles(dataPath('pitt-google', 'decat'))[0]!;
    expect(() => decodeAlerts(readFileSync(decat))).toThrow(expect.objectContaining({ reason: 'unknown-schema' }));
    const lsst = listAvroFiles(dataPath('lsst-alert-packet', 'sample_data'))[0]!;
    expect(() => decodeAlerts(readFileSync(lsst))).toThrow(/not a known alert schema/);
  });
});

describeData('damaged alert files', () => {
  const path = dataPath('ztf-avro-alert', 'data', '2019_01_10_739260766315010006.avro');

  it('rejects every truncation with a decode error', () => {
    const bytes = readFileSync(path);
    for (let length = 0; length < bytes.length; length += Math.max(1, Math.floor(bytes.length / 400))) {
      const cut = bytes.subarray(0, length);
      expect(() => decodeAlerts(cut), `cut at ${length}`).toThrow(AlertDecodeError);
    }
  });

  it('names truncation as the reason', () => {
    const bytes = readFileSync(path);
    const cut = bytes.subarray(0, bytes.length - 100);
    expect(() => decodeAlerts(cut)).toThrow(expect.objectContaining({ reason: 'truncated' }));
  });

  it('rejects a wrong magic', () => {
    const bytes = Buffer.from(readFileSync(path));
    bytes[0] = 0x00;
    expect(() => decodeAlerts(bytes)).toThrow(expect.objectContaining({ reason: 'not-avro' }));
  });

  it('rejects a damaged sync marker', () => {
    const bytes = Buffer.from(readFileSync(path));
    bytes[bytes.length - 1] ^= 0xff;
    expect(() => decodeAlerts(bytes)).toThrow(expect.objectContaining({ reason: 'corrupt-block' }));
  });

  it('raises only decode errors on flipped bytes', () => {
    const original = readFileSync(path);
    let rejected = 0;
    for (let position = 0; position < original.length; position += 97) {
      const bytes = Buffer.from(original);
      bytes[position] ^= 0x5a;
      try {
        decodeAlerts(bytes);
      } catch (error) {
        expect(error, `flip at ${position}`).toBeInstanceOf(AlertDecodeError);
        rejected += 1;
      }
    }
    expect(rejected).toBeGreaterThan(0);
  });

  it('rejects absurd sizes before reading', () => {
    const bytes = readFileSync(path);
    expect(() => decodeAlerts(bytes, { maxBytes: 1000, maxRecordsPerBlock: 10 })).toThrow(
      expect.objectContaining({ reason: 'too-large' }),
    );
  });

  it('rejects an empty input', () => {
    expect(() => decodeAlerts(Buffer.alloc(0))).toThrow(expect.objectContaining({ reason: 'empty' }));
  });
});
