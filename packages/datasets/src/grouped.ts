import { DatasetFormatError, type CsvRecord } from './csv.ts';

/** The consecutive rows of one object in a photometry table. */
export interface ObjectRows {
  objectId: string;
  rows: CsvRecord[];
}

/**
 * Groups a row stream by the value at `keyIndex`, yielding each object once its last row is read.
 * The tables list each object's rows together, so an object id that appears again after another
 * object is an error: buffering the whole table to regroup it would defeat streaming.
 */
export async function* groupByObject(
  records: AsyncIterable<CsvRecord>,
  keyIndex: number,
  path: string,
): AsyncGenerator<ObjectRows> {
  const finished = new Set<string>();
  let current: ObjectRows | undefined;

  for await (const record of records) {
    const objectId = record.values[keyIndex].trim();
    if (current !== undefined && current.objectId === objectId) {
      current.rows.push(record);
      continue;
    }

    if (current !== undefined) {
      finished.add(current.objectId);
      yield current;
    }
    if (finished.has(objectId)) {
      throw new DatasetFormatError(
        `${path}:${record.line}: rows of object ${objectId} are not contiguous; sort the table by object id`,
      );
    }
    current = { objectId, rows: [record] };
  }

  if (current !== undefined) {
    yield current;
  }
}
