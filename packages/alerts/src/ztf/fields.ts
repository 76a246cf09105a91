import { AlertDecodeError } from '../errors.ts';

/** A decoded Avro record: plain object with the writer schema's field names. */
export type AvroRecord = Record<string, unknown>;

/**
 * Reads a number that may be absent or null, or hold one of ZTF's missing-value markers (−999, and
 * the string "null" in some versions). Returns NaN for all of them.
 */
export function optionalNumber(record: AvroRecord, field: string): number {
  const value = record[field];
  if (typeof value === 'number') return value === -999 ? Number.NaN : value;
  if (typeof value === 'bigint') return Number(value);
  return Number.NaN;
}

/** Reads a finite number that must be present; throws missing-field or invalid-value otherwise. */
export function requiredNumber(record: AvroRecord, field: string, where: string): number {
  const value = record[field];
  if (value === undefined || value === null) {
    throw new AlertDecodeError('missing-field', `${where}.${field} is missing`);
  }
  const number = typeof value === 'bigint' ? Number(value) : value;
  if (typeof number !== 'number' || !Number.isFinite(number)) {
    throw new AlertDecodeError('invalid-value', `${where}.${field} is ${String(value)}, expected a finite number`);
  }
  return number;
}

/** Reads a 64-bit id (BigInt from the Avro long) as its exact decimal string, or undefined when null. */
export function optionalId(record: AvroRecord, field: string): string | undefined {
  const value = record[field];
  if (typeof value === 'bigint') return value.toString();
  if (typeof value === 'number' && Number.isSafeInteger(value)) return value.toString();
  return undefined;
}

export function requiredString(record: AvroRecord, field: string, where: string): string {
  const value = record[field];
  if (typeof value !== 'string' || value.length === 0) {
    throw new AlertDecodeError('missing-field', `${where}.${field} is missing or empty`);
  }
  return value;
}

export function requiredRecord(record: AvroRecord, field: string, where: string): AvroRecord {
  const value = record[field];
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new AlertDecodeError('missing-field', `${where}.${field} is missing`);
  }
  return value as AvroRecord;
}

export function optionalArray(record: AvroRecord, field: string): AvroRecord[] {
  const value = record[field];
  return Array.isArray(value) ? (value as AvroRecord[]) : [];
}

export function optionalBytes(record: AvroRecord | null | undefined, field: string): Uint8Array | undefined {
  const value = record?.[field];
  return value instanceof Uint8Array ? value : undefined;
}
