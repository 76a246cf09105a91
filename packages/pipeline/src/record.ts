import { readFileSync } from 'node:fs';
import { createAvroType } from '@lightbridge/alerts';

/** One classification of one alert: the record lightbridge writes to files and output topics. */
export interface ClassificationRecord {
  objectId: string;
  /** Exact decimal string of the 64-bit candid. */
  candid: string;
  survey: string;
  schemaVersion: string;
  alertMjd: number;
  modelVersion: string | null;
  featureVersion: string;
  /** Class name to probability, or null when the quality gate kept the alert from the model. */
  probabilities: Record<string, number> | null;
  predictedClass: string | null;
  flags: string[];
  /** Feature name to value; NaN where a feature cannot be computed. */
  features: Record<string, number>;
  nDetections: number;
  nNonDetections: number;
  nForcedPhotometry: number;
  warnings: string[];
}

/** The Avro schema of ClassificationRecord, as published to downstream consumers. */
export const CLASSIFICATION_SCHEMA: object = JSON.parse(
  readFileSync(new URL('../schema/classification.avsc', import.meta.url), 'utf8'),
);

export const classificationType = createAvroType(CLASSIFICATION_SCHEMA);

/** Converts a record to its Avro form, with candid as a 64-bit long. */
export function toAvroRecord(record: ClassificationRecord): Record<string, unknown> {
  return { ...record, candid: BigInt(record.candid) };
}

/** Encodes a record as one Avro datum (no container), for a Kafka message value. */
export function encodeClassification(record: ClassificationRecord): Buffer {
  return classificationType.toBuffer(toAvroRecord(record));
}

/**
 * Formats a record as one JSON line, writing NaN (which JSON cannot represent) as null. Only the
 * features can be NaN, so only they are copied. A replacer function over the whole record would
 * run for every key and costs several times more.
 */
export function toJsonLine(record: ClassificationRecord): string {
  const features: Record<string, number | null> = {};
  for (const name in record.features) {
    const value = record.features[name]!;
    features[name] = Number.isFinite(value) ? value : null;
  }
  return JSON.stringify({ ...record, features });
}
