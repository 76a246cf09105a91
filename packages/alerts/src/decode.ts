import type { Alert } from './types.ts';
import { AlertDecodeError } from './errors.ts';
import { type ContainerLimits, DEFAULT_CONTAINER_LIMITS, decodeContainer } from './avro/container.ts';
import type { AvroRecord } from './ztf/fields.ts';
import { isZtfAlertRecord, ztfAlertFromRecord } from './ztf/adapter.ts';

/**
 * Decodes the alerts in one Avro Object Container File (ZTF puts one alert in each), following
 * the writer schema in its header. Throws AlertDecodeError with a reason when the bytes are not
 * a readable container or hold a record of an unknown survey schema.
 */
export function decodeAlerts(buf: Buffer, limits: ContainerLimits = DEFAULT_CONTAINER_LIMITS): Alert[] {
  const container = decodeContainer(buf, limits);
  const headerVersion = typeof container.schema.version === 'string' ? container.schema.version : undefined;
  const alerts: Alert[] = [];

  for (const record of container.records) {
    if (record === null || typeof record !== 'object') {
      throw new AlertDecodeError('unknown-schema', `container record is ${typeof record}, not an alert record`);
    }
    if (!isZtfAlertRecord(record as AvroRecord)) {
      throw new AlertDecodeError('unknown-schema', `schema ${schemaName(container.schema)} is not a known alert schema (known: ZTF)`);
    }
    alerts.push(ztfAlertFromRecord(record as AvroRecord, headerVersion));
  }

  if (alerts.length === 0) throw new AlertDecodeError('empty', 'container has no records');
  return alerts;
}

function schemaName(schema: Record<string, unknown>): string {
  const name = typeof schema.name === 'string' ? schema.name : '(unnamed)';
  return typeof schema.namespace === 'string' && !name.includes('.') ? `${schema.namespace}.${name}` : name;
}
