import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { createGunzip } from 'node:zlib';

/** A data row of a CSV file with the values of the requested columns, in the requested order. */
export interface CsvRecord {
  /** 1-based line number in the (decompressed) file, for error messages. */
  line: number;
  values: string[];
}

/** A malformed or unreadable table; the message names the file and, where known, the line. */
export class DatasetFormatError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DatasetFormatError';
  }
}

/**
 * Streams the rows of a CSV file (gunzipped when the name ends in .gz), line by line, without
 * loading the file into memory. The first line must be a header holding every name in `columns`.
 * Quoted fields may contain commas and doubled quotes but not line breaks. Blank lines are skipped.
 */
export async function* readCsv(path: string, columns: readonly string[]): AsyncGenerator<CsvRecord> {
  const file = createReadStream(path);
  const input = path.endsWith('.gz') ? file.pipe(createGunzip()) : file;
  if (input !== file) {
    // pipe() does not forward the file stream's errors (a missing file, say) to the gunzip stream.
    file.on('error', (error) => input.destroy(error));
  }
  const lines = createInterface({ input, crlfDelay: Infinity });

  let indexes: number[] | undefined;
  let lineNumber = 0;
  try {
    for await (const line of lines) {
      lineNumber += 1;
      if (line.length === 0) {
        continue;
      }
      const fields = splitCsvLine(line);

      if (indexes === undefined) {
        indexes = columnIndexes(path, fields, columns);
        continue;
      }

      const values = indexes.map((index) => fields[index]);
      if (values.some((value) => value === undefined)) {
        throw new DatasetFormatError(
          `${path}:${lineNumber}: row has ${fields.length} fields but the header has more; fix or drop the row`,
        );
      }
      yield { line: lineNumber, values: values as string[] };
    }
  } catch (error) {
    if (error instanceof DatasetFormatError) {
      throw error;
    }
    throw new DatasetFormatError(`${path}: read failed at line ${lineNumber}: ${(error as Error).message}`);
  } finally {
    lines.close();
    input.destroy();
    file.destroy();
  }

  if (indexes === undefined) {
    throw new DatasetFormatError(`${path}: file is empty, expected a header with ${columns.join(', ')}`);
  }
}

function columnIndexes(path: string, header: string[], columns: readonly string[]): number[] {
  const trimmed = header.map((name) => name.trim());
  const missing = columns.filter((name) => !trimmed.includes(name));
  if (missing.length > 0) {
    throw new DatasetFormatError(
      `${path}: header is missing column(s) ${missing.join(', ')}; found ${trimmed.join(', ')}`,
    );
  }
  return columns.map((name) => trimmed.indexOf(name));
}

/** Splits one CSV line on commas, honouring double-quoted fields. */
export function splitCsvLine(line: string): string[] {
  if (!line.includes('"')) {
    return line.split(',');
  }

  const fields: string[] = [];
  let current = '';
  let quoted = false;
  for (let i = 0; i < line.length; i += 1) {
    const char = line[i];
    if (quoted) {
      if (char === '"' && line[i + 1] === '"') {
        current += '"';
        i += 1;
      } else if (char === '"') {
        quoted = false;
      } else {
        current += char;
      }
    } else if (char === '"') {
      quoted = true;
    } else if (char === ',') {
      fields.push(current);
      current = '';
    } else {
      current += char;
    }
  }
  fields.push(current);
  return fields;
}

/** Parses a finite number from a CSV field, or throws naming the file, line and column. */
export function parseFiniteNumber(value: string, path: string, line: number, column: string): number {
  const number = value.trim() === '' ? Number.NaN : Number(value);
  if (!Number.isFinite(number)) {
    throw new DatasetFormatError(`${path}:${line}: ${column} "${value}" is not a finite number`);
  }
  return number;
}
