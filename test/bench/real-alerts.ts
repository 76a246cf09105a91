/**
 * The benchmarks' input: the real ZTF alerts of the shared data, and copies of them re-encoded as
 * distinct alerts of distinct objects, so that a benchmark of 100,000 alerts is real-sized
 * without repeating a candid.
 */
import { createWriteStream, readFileSync } from 'node:fs';
import { once } from 'node:events';
import { join } from 'node:path';
import tar from 'tar-stream';
import { createAvroType, decodeAlerts, decodeContainer, type DecodedContainer, encodeContainer } from '@lightbridge/alerts';
import { listAvroFiles } from '../../packages/alerts/test/helpers.ts';
import { SHARED_DATA, ZTF_ALERT_FOLDERS } from '../support/shared-data.ts';

/** Offset added to a candid per copy; far above the spread of the real candids, below 2^63. */
export const CANDID_COPY_OFFSET = 10_000_000_000_000n;

export interface RealAlert {
  bytes: Buffer;
  container: DecodedContainer;
}

/** Reads the real ZTF alert files that decode, each candid once (the DECam packet is left out). */
export function loadRealAlerts(): RealAlert[] {
  const alerts: RealAlert[] = [];
  const candids = new Set<string>();
  for (const folder of ZTF_ALERT_FOLDERS) {
    for (const file of listAvroFiles(join(SHARED_DATA, folder))) {
      const bytes = readFileSync(file);
      let candid: string;
      try {
        candid = decodeAlerts(bytes)[0]!.candid;
      } catch {
        continue;
      }
      if (candids.has(candid)) continue;
      candids.add(candid);
      alerts.push({ bytes, container: decodeContainer(bytes) });
    }
  }
  return alerts;
}

/**
 * Writes `count` alerts as a tar archive of Avro files, the form of ZTF's nightly archives. Copy
 * number `copy` of each real alert gets objectId `<objectId>_<copy>` and candid + copy × 10^13,
 * and is re-encoded with its original writer schema. Copy 0 keeps the real ids.
 */
export async function writeCopiesArchive(alerts: readonly RealAlert[], count: number, path: string): Promise<void> {
  // encodeContainer parses the schema on each call unless given the type, which costs more than encoding.
  const types = alerts.map((alert) => createAvroType(alert.container.schema));
  const pack = tar.pack();
  const file = createWriteStream(path);
  pack.pipe(file);

  let written = 0;
  for (let copy = 0; written < count; copy += 1) {
    for (const [index, alert] of alerts.entries()) {
      if (written === count) break;
      const record = alert.container.records[0] as Record<string, any>;
      const candid = (record.candid ?? record.candidate.candid) + BigInt(copy) * CANDID_COPY_OFFSET;
      const renamed = {
        ...record,
        objectId: copy === 0 ? record.objectId : `${record.objectId}_${copy}`,
        candidate: { ...record.candidate, candid },
        ...('candid' in record ? { candid } : {}),
      };
      const bytes = encodeContainer(alert.container.schema, [renamed], 'null', types[index]);
      pack.entry({ name: `${candid}.avro`, size: bytes.length }, bytes);
      written += 1;
      if (file.writableNeedDrain) await once(file, 'drain');
    }
  }
  pack.finalize();
  await once(file, 'finish');
}
