import { describe, expect, it } from 'vitest';
import { decodeContainer, encodeContainer } from '@lightbridge/alerts';
import { CLASSIFICATION_SCHEMA, classificationType, encodeClassification, toAvroRecord, toJsonLine, type ClassificationRecord } from '../src/index.ts';

const record: ClassificationRecord = {
  objectId: 'ZTF21abiuvdk',
  candid: '1642404680815015001',
  survey: 'ztf',
  schemaVersion: '3.3',
  alertMjd: 59396.4046875,
  modelVersion: 'v1',
  featureVersion: 'lightbridge-features/1 bands=g,r',
  probabilities: { Ia: 0.7, II: 0.2, Ibc: 0.05, SLSN: 0.03, other: 0.02 },
  predictedClass: 'Ia',
  flags: [],
  features: { g_n_det: 3, g_skew: Number.NaN },
  nDetections: 5,
  nNonDetections: 2,
  nForcedPhotometry: 0,
  warnings: [],
};

describe('classification record', () => {
  it('keeps the 64-bit candid exact in Avro', () => {
    const decoded = classificationType.fromBuffer(encodeClassification(record)) as { candid: bigint };
    expect(decoded.candid).toBe(1642404680815015001n);
  });

  it('keeps NaN features in Avro', () => {
    const decoded = classificationType.fromBuffer(encodeClassification(record)) as { features: Record<string, number> };
    expect(decoded.features.g_skew).toBeNaN();
    expect(decoded.features.g_n_det).toBe(3);
  });

  it('writes NaN as null in JSON', () => {
    const parsed = JSON.parse(toJsonLine(record));
    expect(parsed.features.g_skew).toBeNull();
    expect(parsed.candid).toBe('1642404680815015001');
  });

  it('accepts a record without probabilities', () => {
    const flagged = { ...record, probabilities: null, predictedClass: null, modelVersion: null, flags: ['bogus'] };
    const decoded = classificationType.fromBuffer(encodeClassification(flagged)) as { probabilities: unknown; flags: string[] };
    expect(decoded.probabilities).toBeNull();
    expect(decoded.flags).toEqual(['bogus']);
  });

  it('round-trips through an Avro container', () => {
    const bytes = encodeContainer(CLASSIFICATION_SCHEMA, [toAvroRecord(record)]);
    const [decoded] = decodeContainer(bytes).records as { objectId: string; predictedClass: string }[];
    expect(decoded!.objectId).toBe('ZTF21abiuvdk');
    expect(decoded!.predictedClass).toBe('Ia');
  });
});
