import { crc32, inflateRawSync } from 'node:zlib';
import avro from 'avsc';
import snappy from 'snappyjs';
import { AlertDecodeError } from '../errors.ts';
import { bigIntLongType } from './long.ts';
import { removeInvalidUnionDefaults } from './schema-repair.ts';

const MAGIC = Buffer.from([0x4f, 0x62, 0x6a, 0x01]); // "Obj" then version 1
const SYNC_SIZE = 16;

/** Limits on untrusted input, so a corrupt length field cannot make us allocate gigabytes. */
export interface ContainerLimits {
  /** Largest container accepted, in bytes. ZTF alerts are about 60–70 KB with cutouts. */
  maxBytes: number;
  /** Largest number of records accepted in one block. */
  maxRecordsPerBlock: number;
}

export const DEFAULT_CONTAINER_LIMITS: ContainerLimits = {
  maxBytes: 16 * 1024 * 1024,
  maxRecordsPerBlock: 100_000,
};

/** One decoded Avro Object Container File. */
export interface DecodedContainer {
  /** The writer schema from the header, after removing spec-breaking defaults. */
  schema: Record<string, unknown>;
  codec: string;
  records: unknown[];
}

interface Cursor {
  buf: Buffer;
  pos: number;
}

const typeCache = new Map<string, { type: avro.Type; schema: Record<string, unknown> }>();

/**
 * Decodes an Avro Object Container File held in memory, with the writer schema from its header.
 * Throws AlertDecodeError with reason truncated, not-avro, unsupported-codec, invalid-schema,
 * corrupt-block or too-large.
 */
export function decodeContainer(
  buf: Buffer,
  limits: ContainerLimits = DEFAULT_CONTAINER_LIMITS,
): DecodedContainer {
  if (buf.length === 0) throw new AlertDecodeError('empty', 'input is empty (0 bytes)');
  if (buf.length > limits.maxBytes) {
    throw new AlertDecodeError(
      'too-large',
      `input is ${buf.length} bytes, above the limit of ${limits.maxBytes} bytes`,
    );
  }
  if (buf.length < MAGIC.length || !buf.subarray(0, MAGIC.length).equals(MAGIC)) {
    throw new AlertDecodeError('not-avro', 'input does not start with the Avro container magic "Obj\\x01"');
  }

  const cursor: Cursor = { buf, pos: MAGIC.length };
  const meta = readMetadata(cursor, limits);
  const sync = readBytes(cursor, SYNC_SIZE, 'header sync marker');

  const schemaText = meta.get('avro.schema')?.toString('utf8');
  if (schemaText === undefined) {
    throw new AlertDecodeError('invalid-schema', 'container header has no avro.schema entry');
  }
  const codec = meta.get('avro.codec')?.toString('utf8') ?? 'null';
  const { type, schema } = typeForSchema(schemaText);

  const records: unknown[] = [];
  while (cursor.pos < buf.length) {
    readBlock(cursor, type, codec, sync, limits, records);
  }
  return { schema, codec, records };
}

/** Parses and caches an avsc Type per distinct schema text; parsing costs far more than decoding. */
function typeForSchema(schemaText: string): { type: avro.Type; schema: Record<string, unknown> } {
  const cached = typeCache.get(schemaText);
  if (cached !== undefined) return cached;

  let schema: Record<string, unknown>;
  try {
    schema = JSON.parse(schemaText) as Record<string, unknown>;
  } catch (error) {
    throw new AlertDecodeError('invalid-schema', `writer schema is not valid JSON: ${(error as Error).message}`);
  }
  removeInvalidUnionDefaults(schema);

  let type: avro.Type;
  try {
    type = avro.Type.forSchema(schema as avro.Schema, { registry: { long: bigIntLongType } as never });
  } catch (error) {
    throw new AlertDecodeError('invalid-schema', `writer schema is not a valid Avro schema: ${(error as Error).message}`);
  }

  const entry = { type, schema };
  typeCache.set(schemaText, entry);
  return entry;
}

function readBlock(
  cursor: Cursor,
  type: avro.Type,
  codec: string,
  sync: Buffer,
  limits: ContainerLimits,
  records: unknown[],
): void {
  const blockStart = cursor.pos;
  const count = readLong(cursor, 'block record count');
  const size = readLong(cursor, 'block size');
  if (count < 0 || count > limits.maxRecordsPerBlock) {
    throw new AlertDecodeError('corrupt-block', `block at byte ${blockStart} claims ${count} records`);
  }
  if (size < 0) {
    throw new AlertDecodeError('corrupt-block', `block at byte ${blockStart} claims a negative size ${size}`);
  }
  const payload = readBytes(cursor, size, `${size}-byte block that starts at byte ${blockStart}`);
  const marker = readBytes(cursor, SYNC_SIZE, 'block sync marker');
  if (!marker.equals(sync)) {
    throw new AlertDecodeError('corrupt-block', `block at byte ${blockStart} ends with a wrong sync marker`);
  }

  const data = decompress(payload, codec, blockStart);
  let pos = 0;
  for (let i = 0; i < count; i += 1) {
    let result: { value: unknown; offset: number };
    try {
      result = type.decode(data, pos);
    } catch (error) {
      throw new AlertDecodeError(
        'corrupt-block',
        `record ${i} of block at byte ${blockStart} does not match the writer schema: ${(error as Error).message}`,
      );
    }
    if (result.offset < 0) {
      throw new AlertDecodeError('truncated', `record ${i} of block at byte ${blockStart} is cut short`);
    }
    records.push(result.value);
    pos = result.offset;
  }
  if (pos !== data.length) {
    throw new AlertDecodeError(
      'corrupt-block',
      `block at byte ${blockStart} has ${data.length - pos} bytes left after its ${count} records`,
    );
  }
}

function decompress(payload: Buffer, codec: string, blockStart: number): Buffer {
  switch (codec) {
    case 'null':
      return payload;
    case 'deflate':
      try {
        return inflateRawSync(payload);
      } catch (error) {
        throw new AlertDecodeError('corrupt-block', `deflate block at byte ${blockStart} is corrupt: ${(error as Error).message}`);
      }
    case 'snappy':
      return decompressSnappy(payload, blockStart);
    default:
      throw new AlertDecodeError('unsupported-codec', `codec "${codec}" is not supported (null, deflate, snappy are)`);
  }
}

/** Avro's snappy blocks are the compressed bytes followed by a big-endian CRC-32 of the uncompressed data. */
function decompressSnappy(payload: Buffer, blockStart: number): Buffer {
  if (payload.length < 4) {
    throw new AlertDecodeError('truncated', `snappy block at byte ${blockStart} is shorter than its checksum`);
  }
  let data: Buffer;
  try {
    data = Buffer.from(snappy.uncompress(payload.subarray(0, payload.length - 4)));
  } catch (error) {
    throw new AlertDecodeError('corrupt-block', `snappy block at byte ${blockStart} is corrupt: ${(error as Error).message}`);
  }
  const expected = payload.readUInt32BE(payload.length - 4);
  if (crc32(data) !== expected) {
    throw new AlertDecodeError('corrupt-block', `snappy block at byte ${blockStart} fails its CRC-32 check`);
  }
  return data;
}

function readMetadata(cursor: Cursor, limits: ContainerLimits): Map<string, Buffer> {
  const meta = new Map<string, Buffer>();
  for (;;) {
    let count = readLong(cursor, 'header metadata count');
    if (count === 0) return meta;
    if (count < 0) {
      count = -count;
      readLong(cursor, 'header metadata block size');
    }
    if (count > limits.maxRecordsPerBlock) {
      throw new AlertDecodeError('corrupt-block', `header claims ${count} metadata entries`);
    }
    for (let i = 0; i < count; i += 1) {
      const key = readBytes(cursor, readLong(cursor, 'metadata key length'), 'metadata key').toString('utf8');
      const value = readBytes(cursor, readLong(cursor, 'metadata value length'), `metadata value of ${key}`);
      meta.set(key, value);
    }
  }
}

/** Reads a zig-zag varint long. Values beyond 2^53 cannot occur in sane lengths and are rejected. */
function readLong(cursor: Cursor, what: string): number {
  const { buf } = cursor;
  let result = 0;
  let factor = 1;
  for (let shift = 0; shift < 56; shift += 7) {
    if (cursor.pos >= buf.length) {
      throw new AlertDecodeError('truncated', `input ends inside the ${what} at byte ${cursor.pos}`);
    }
    const byte = buf[cursor.pos++]!;
    result += (byte & 0x7f) * factor;
    if ((byte & 0x80) === 0) {
      return result % 2 === 0 ? result / 2 : -(result + 1) / 2;
    }
    factor *= 128;
  }
  throw new AlertDecodeError('corrupt-block', `the ${what} at byte ${cursor.pos} is not a valid length`);
}

function readBytes(cursor: Cursor, length: number, what: string): Buffer {
  if (length < 0) {
    throw new AlertDecodeError('corrupt-block', `the ${what} has a negative length ${length}`);
  }
  const end = cursor.pos + length;
  if (end > cursor.buf.length) {
    throw new AlertDecodeError('truncated', `input ends at byte ${cursor.buf.length}, inside the ${what}`);
  }
  const slice = cursor.buf.subarray(cursor.pos, end);
  cursor.pos = end;
  return slice;
}
