import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { decodeAlerts, decodeContainer, encodeContainer } from '../src/index.ts';
import { sharedDataPath } from '../../../test/support/shared-data.ts';
import { listAvroFiles } from './helpers.ts';

const sparkFolder = sharedDataPath('alerts', 'fink-ztf', 'all_distribute_topics');
const describeData = sparkFolder === undefined ? describe.skip : describe;

describeData('container codecs', () => {
  for (const codec of ['deflate', 'snappy'] as const) {
    it(`reads a Spark alert written with ${codec}`, () => {
      const file = listAvroFiles(sparkFolder!)[0]!;
      const original = decodeContainer(readFileSync(file));
      const rewritten = encodeContainer(original.schema, original.records, codec);

      const container = decodeContainer(rewritten);
      expect(container.codec).toBe(codec);
      const [fromRewritten] = decodeAlerts(rewritten);
      const [fromOriginal] = decodeAlerts(readFileSync(file));
      expect(fromRewritten).toEqual(fromOriginal);
    });
  }

  it('detects a snappy checksum mismatch', () => {
    const file = listAvroFiles(sparkFolder!)[0]!;
    const original = decodeContainer(readFileSync(file));
    const bytes = Buffer.from(encodeContainer(original.schema, original.records, 'snappy'));
    bytes[bytes.length - 17] ^= 0x01;
    expect(() => decodeAlerts(bytes)).toThrow(expect.objectContaining({ reason: 'corrupt-block' }));
  });

  it('rejects an unknown codec', () => {
    const schema = { type: 'record', name: 'x', fields: [{ name: 'a', type: 'int' }] };
    const bytes = encodeContainer(schema, [{ a: 1 }]);
    const patched = Buffer.from(bytes.toString('latin1').replace('avro.codec\u0008null', 'avro.codec\u0008zstd'), 'latin1');
    expect(() => decodeContainer(patched)).toThrow(expect.objectContaining({ reason: 'unsupported-codec' }));
  });
});

describe('container without shared data', () => {
  it('round-trips 64-bit longs', () => {
    const schema = { type: 'record', name: 'x', fields: [{ name: 'candid', type: 'long' }] };
    const candid = 2481491782015010042n;
    const [record] = decodeContainer(encodeContainer(schema, [{ candid }])).records as { candid: bigint }[];
    expect(record!.candid).toBe(candid);
  });

  it('rejects a block claiming too many records', () => {
    const schema = { type: 'record', name: 'x', fields: [{ name: 'a', type: 'int' }] };
    const bytes = encodeContainer(schema, [{ a: 1 }, { a: 2 }]);
    expect(() => decodeContainer(bytes, { maxBytes: 1 << 20, maxRecordsPerBlock: 1 })).toThrow(
      expect.objectContaining({ reason: 'corrupt-block' }),
    );
  });
});
