import { createReadStream } from 'node:fs';
import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { createGunzip } from 'node:zlib';
import tar from 'tar-stream';
import { DEFAULT_CONTAINER_LIMITS } from '../avro/container.ts';
import { AlertDecodeError } from '../errors.ts';

/** The raw bytes of one alert, or why they could not be read, with where they came from. */
export type AlertInput =
  | { source: string; bytes: Buffer; error?: undefined }
  | { source: string; bytes?: undefined; error: AlertDecodeError | Error };

export interface ReadOptions {
  /** Files and archive members larger than this are reported as too-large without being read. */
  maxBytes?: number;
}

const ARCHIVE_SUFFIXES = ['.tar', '.tar.gz', '.tgz'];

/**
 * Yields the bytes of every alert under the given paths: single Avro files (any name), folders
 * (recursively, `.avro` files and archives, in name order) and `.tar`/`.tar.gz` archives of
 * `.avro` files such as ZTF's public nightly archives. Unreadable entries are yielded with an
 * error instead of stopping the walk, so every input is accounted for.
 */
export async function* readAlertInputs(paths: readonly string[], options: ReadOptions = {}): AsyncGenerator<AlertInput> {
  const maxBytes = options.maxBytes ?? DEFAULT_CONTAINER_LIMITS.maxBytes;
  for (const path of paths) {
    yield* readPath(path, maxBytes, true);
  }
}

async function* readPath(path: string, maxBytes: number, explicit: boolean): AsyncGenerator<AlertInput> {
  let info;
  try {
    info = await stat(path);
  } catch (error) {
    yield { source: path, error: error as Error };
    return;
  }

  if (info.isDirectory()) {
    yield* readFolder(path, maxBytes);
  } else if (isArchive(path)) {
    yield* readArchive(path, maxBytes);
  } else if (explicit || path.endsWith('.avro')) {
    yield await readSingleFile(path, info.size, maxBytes);
  }
}

async function* readFolder(folder: string, maxBytes: number): AsyncGenerator<AlertInput> {
  let names: string[];
  try {
    names = (await readdir(folder)).sort();
  } catch (error) {
    yield { source: folder, error: error as Error };
    return;
  }
  for (const name of names) {
    yield* readPath(join(folder, name), maxBytes, false);
  }
}

async function readSingleFile(path: string, size: number, maxBytes: number): Promise<AlertInput> {
  if (size > maxBytes) {
    return { source: path, error: new AlertDecodeError('too-large', `file is ${size} bytes, above the limit of ${maxBytes} bytes`) };
  }
  try {
    return { source: path, bytes: await readFile(path) };
  } catch (error) {
    return { source: path, error: error as Error };
  }
}

/** Streams a tar archive (gzip-compressed when its name says so) without unpacking it to disk. */
async function* readArchive(path: string, maxBytes: number): AsyncGenerator<AlertInput> {
  const extract = tar.extract();
  const file = createReadStream(path);
  const compressed = path.endsWith('.gz') || path.endsWith('.tgz');
  const input = compressed ? file.pipe(createGunzip()) : file;
  input.on('error', (error: Error) => extract.destroy(error));
  input.pipe(extract);

  try {
    for await (const entry of extract) {
      const member = `${path}!${entry.header.name}`;
      if (entry.header.type !== 'file' || !entry.header.name.endsWith('.avro')) {
        entry.resume();
        continue;
      }
      const size = entry.header.size ?? 0;
      if (size > maxBytes) {
        entry.resume();
        yield { source: member, error: new AlertDecodeError('too-large', `archive member is ${size} bytes, above the limit of ${maxBytes} bytes`) };
        continue;
      }
      yield { source: member, bytes: await collect(entry) };
    }
  } catch (error) {
    yield { source: path, error: new AlertDecodeError('truncated', `archive cannot be read to its end: ${(error as Error).message}`, { cause: error }) };
  }
}

async function collect(stream: AsyncIterable<unknown>): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

function isArchive(path: string): boolean {
  return ARCHIVE_SUFFIXES.some((suffix) => path.endsWith(suffix));
}
