import { readdir, stat } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { type Alert, type AlertInput, decodeAlerts } from '@lightbridge/alerts';
import { type PendingAlert, ReorderBuffer } from '../classify/reorder.ts';

// The archive names readAlertInputs opens.
const ARCHIVE_SUFFIXES = ['.tar', '.tar.gz', '.tgz'];

/** One Kafka message to produce: an input file's bytes and the key it is produced with. */
export interface ReplayItem {
  /** File or archive member the bytes came from. */
  source: string;
  /** The file's bytes, produced unchanged as the message value. */
  bytes: Buffer;
  /** objectId of the alert, or the file name when the bytes cannot be decoded. */
  key: string;
  /** candid of the alert, or undefined when the bytes cannot be decoded. */
  candid?: string;
}

/** An input whose bytes could not be read at all, so nothing can be produced for it. */
export interface UnreadableInput {
  source: string;
  error: Error;
}

/** An input that was read but not decoded; it is still produced, keyed by its file name. */
export interface UndecodableInput {
  source: string;
  key: string;
  error: Error;
}

export interface OrderingCallbacks {
  onUndecodable(input: UndecodableInput): void;
  onUnreadable(input: UnreadableInput): void;
}

/** A ReplayItem in the reorder buffer, which orders by the decoded alert's jd, then candid. */
interface PendingItem extends PendingAlert {
  item: ReplayItem;
}

/**
 * Decodes each input to find its objectId and yields the inputs in time order (jd, then
 * candid) within a window of `reorderWindow` alerts, as a survey publishes them. An undecodable
 * input is yielded at once, keyed by its file name, since it has no time. A container with
 * several alerts is one message, keyed and ordered by its first alert.
 */
export async function* orderedReplayItems(
  inputs: AsyncIterable<AlertInput>,
  reorderWindow: number,
  callbacks: OrderingCallbacks,
): AsyncGenerator<ReplayItem> {
  const buffer = new ReorderBuffer(reorderWindow);

  for await (const input of inputs) {
    if (input.error !== undefined) {
      callbacks.onUnreadable({ source: input.source, error: input.error });
      continue;
    }

    const alert = firstAlert(input.bytes);
    if (alert instanceof Error) {
      const key = fileNameKey(input.source);
      callbacks.onUndecodable({ source: input.source, key, error: alert });
      yield { source: input.source, bytes: input.bytes, key };
      continue;
    }

    // Cutouts are views into the input bytes; dropping them keeps only the fields the order needs.
    const pending: PendingItem = {
      alert: { ...alert, cutouts: {} },
      source: input.source,
      item: { source: input.source, bytes: input.bytes, key: alert.objectId, candid: alert.candid },
    };
    const released = buffer.push(pending) as PendingItem | undefined;
    if (released !== undefined) yield released.item;
  }

  for (let released = buffer.pop() as PendingItem | undefined; released !== undefined; released = buffer.pop() as PendingItem | undefined) {
    yield released.item;
  }
}

function firstAlert(bytes: Buffer): Alert | Error {
  try {
    return decodeAlerts(bytes)[0]!;
  } catch (error) {
    return error as Error;
  }
}

/** Returns the file name of a path or of an archive member (`archive.tar!dir/name.avro`). */
export function fileNameKey(source: string): string {
  const member = source.lastIndexOf('!');
  return basename(member >= 0 ? source.slice(member + 1) : source);
}

/**
 * Counts the alert files that readAlertInputs will yield for these paths, for the progress bar.
 * Returns undefined when a path is or contains an archive, whose members are known only by reading it.
 */
export async function countInputFiles(paths: readonly string[]): Promise<number | undefined> {
  let count = 0;
  for (const path of paths) {
    const found = await countPath(path, true);
    if (found === undefined) return undefined;
    count += found;
  }
  return count;
}

async function countPath(path: string, explicit: boolean): Promise<number | undefined> {
  if (ARCHIVE_SUFFIXES.some((suffix) => path.endsWith(suffix))) return undefined;

  const info = await stat(path).catch(() => undefined);
  if (info === undefined) return 1;
  if (!info.isDirectory()) return explicit || path.endsWith('.avro') ? 1 : 0;

  let count = 0;
  for (const name of await readdir(path)) {
    const found = await countPath(join(path, name), false);
    if (found === undefined) return undefined;
    count += found;
  }
  return count;
}
