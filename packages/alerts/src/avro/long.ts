import avro from 'avsc';

/**
 * Avro long decoded as BigInt. ZTF candid, pid and objectidps* exceed 2^53, which avsc's default
 * long type rejects with "potential precision loss" and a plain double would silently round.
 */
export const bigIntLongType = avro.types.LongType.__with({
  fromBuffer: (buf: Buffer) => buf.readBigInt64LE(),
  toBuffer: (value: bigint) => {
    const buf = Buffer.allocUnsafe(8);
    buf.writeBigInt64LE(value);
    return buf;
  },
  fromJSON: (value: number | string | bigint) => BigInt(value),
  toJSON: (value: bigint) => Number(value),
  isValid: (value: unknown) => typeof value === 'bigint',
  compare: (a: bigint, b: bigint) => Number(a > b) - Number(a < b),
});
