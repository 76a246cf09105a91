import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { decodeContainer, encodeContainer } from '../src/index.ts';

/** Lists every .avro file under a folder, in name order. */
export function listAvroFiles(folder: string): string[] {
  const files: string[] = [];
  for (const name of readdirSync(folder).sort()) {
    const path = join(folder, name);
    if (statSync(path).isDirectory()) files.push(...listAvroFiles(path));
    else if (name.endsWith('.avro')) files.push(path);
  }
  return files;
}

/**
 * Decodes a real alert file, lets `edit` change its record, and encodes it again with the same
 * writer schema: a way to build bad or unusual alerts that are otherwise real.
 */
export function rewriteAlert(path: string, edit: (record: Record<string, any>) => void, schemaEdit?: (schema: any) => void): Buffer {
  const container = decodeContainer(readFileSync(path));
  const record = container.records[0] as Record<string, any>;
  edit(record);
  const schema = structuredClone(container.schema);
  schemaEdit?.(schema);
  return encodeContainer(schema, [record]);
}
