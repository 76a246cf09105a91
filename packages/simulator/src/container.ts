import { crc32, deflateRawSync } from 'node:zlib';
import { createAvroType } from '@lightbridge/alerts';
import snappy from 'snappyjs';

export type SimulatorCodec = 'null' | 'deflate' | 'snappy';
type AvroType = ReturnType<typeof createAvroType>;

const MAGIC = Buffer.from([0x4f, 0x62, 0x6a, 0x01]); // "Obj" then version 1
const SYNC_SIZE = 16;

/**
 * Encodes one record as an Avro Object Container File with a caller-given sync marker, so that
 * the same record and marker always give the same bytes (encodeContainer in @lightbridge/alerts
 * draws a random marker). The header contains the schema JSON and the codec, in that order.
 */
export function encodeDeterministicContainer(type: AvroType, schemaJson: string, record: unknown, codec: SimulatorCodec, sync: Buffer): Buffer {
  if (sync.length !== SYNC_SIZE) {
    throw new RangeError(`sync marker must be ${SYNC_SIZE} bytes, got ${sync.length}`);
  }

  const metadata = Buffer.concat([
    encodeLong(2),
    encodeBytes(Buffer.from('avro.schema')),
    encodeBytes(Buffer.from(schemaJson)),
    encodeBytes(Buffer.from('avro.codec')),
    encodeBytes(Buffer.from(codec)),
    encodeLong(0),
  ]);
  const payload = compress(type.toBuffer(record), codec);

  return Buffer.concat([MAGIC, metadata, sync, encodeLong(1), encodeLong(payload.length), payload, sync]);
}

function compress(data: Buffer, codec: SimulatorCodec): Buffer {
  switch (codec) {
    case 'null':
      return data;
    case 'deflate':
      return deflateRawSync(data);
    case 'snappy': {
      // Avro's snappy blocks end with the big-endian CRC-32 of the uncompressed data.
      const checksum = Buffer.alloc(4);
      checksum.writeUInt32BE(crc32(data));
      return Buffer.concat([Buffer.from(snappy.compress(data)), checksum]);
    }
  }
}

/** Avro long: zig-zag then base-128 varint, least significant group first. */
function encodeLong(value: number): Buffer {
  let zigzag = value >= 0 ? value * 2 : -value * 2 - 1;
  const bytes: number[] = [];
  while (zigzag >= 0x80) {
    bytes.push((zigzag % 0x80) | 0x80);
    zigzag = Math.floor(zigzag / 0x80);
  }
  bytes.push(zigzag);
  return Buffer.from(bytes);
}

function encodeBytes(data: Buffer): Buffer {
  return Buffer.concat([encodeLong(data.length), data]);
}
