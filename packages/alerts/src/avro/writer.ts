import { crc32, deflateRawSync } from 'node:zlib';
import { randomBytes } from 'node:crypto';
import avro from 'avsc';
import snappy from 'snappyjs';
import { bigIntLongType } from './long.ts';

export type ContainerCodec = 'null' | 'deflate' | 'snappy';

/** Parses a schema with longs as BigInt, the form every lightbridge reader and writer uses. */
export function createAvroType(schema: object): avro.Type {
  return avro.Type.forSchema(schema as avro.Schema, { registry: { long: bigIntLongType } as never });
}

/**
 * Encodes records as one Avro Object Container File: header with the schema, one data block.
 * ZTF publishes each alert as such a file, with a single record. The 16-byte sync marker is
 * random unless given; a fixed marker makes the same records give the same bytes.
 */
export function encodeContainer(
  schema: object,
  records: readonly unknown[],
  codec: ContainerCodec = 'null',
  type: avro.Type = createAvroType(schema),
  sync: Buffer = randomBytes(16),
): Buffer {
  if (sync.length !== 16) throw new RangeError(`Avro sync marker must be 16 bytes, got ${sync.length}`);
  const metadata = avro.Type.forSchema({ type: 'map', values: 'bytes' }).toBuffer({
    'avro.schema': Buffer.from(JSON.stringify(schema)),
    'avro.codec': Buffer.from(codec),
  });

  const encoded = Buffer.concat(records.map((record) => type.toBuffer(record)));
  const payload = compress(encoded, codec);
  const longType = avro.Type.forSchema('long');

  return Buffer.concat([
    Buffer.from([0x4f, 0x62, 0x6a, 0x01]),
    metadata,
    sync,
    longType.toBuffer(records.length),
    longType.toBuffer(payload.length),
    payload,
    sync,
  ]);
}

function compress(data: Buffer, codec: ContainerCodec): Buffer {
  switch (codec) {
    case 'null':
      return data;
    case 'deflate':
      return deflateRawSync(data);
    case 'snappy': {
      const checksum = Buffer.alloc(4);
      checksum.writeUInt32BE(crc32(data));
      return Buffer.concat([Buffer.from(snappy.compress(data)), checksum]);
    }
  }
}
