import { randomUUID } from 'node:crypto';
import type { Admin, Kafka } from 'kafkajs';
import { Packr } from 'msgpackr';
import type { LightCurve } from '@lightbridge/lightcurve';
import { storeKey } from '@lightbridge/lightcurve';
import type { Logger } from '@lightbridge/telemetry';
import type { PartitionStore } from './partition-store.ts';

// Plain msgpack maps (no msgpackr record extension), so any msgpack reader can decode the
// changelog. msgpack keeps NaN and infinities, which JSON cannot.
const packr = new Packr({ useRecords: false });

export const CHANGELOG_CONTENT_TYPE = 'application/msgpack';

/** Key of a light curve in the changelog topic: `survey:objectId`. */
export function changelogKey(lightCurve: LightCurve): string {
  return storeKey(lightCurve.survey, lightCurve.objectId);
}

export function encodeLightCurve(lightCurve: LightCurve): Buffer {
  return packr.pack(lightCurve);
}

/** Decodes a changelog value; throws when the bytes are not a light curve. */
export function decodeLightCurve(bytes: Buffer): LightCurve {
  const value = packr.unpack(bytes) as LightCurve;
  if (value === null || typeof value !== 'object' || typeof value.objectId !== 'string' || !Array.isArray(value.alertIds)) {
    throw new Error('changelog value is not a msgpack light curve (objectId and alertIds missing)');
  }
  return value;
}

/** Outcome of one partition's restore. */
export interface RestoreResult {
  partition: number;
  /** Changelog records read. */
  records: number;
  /** Light curves in the store afterwards. */
  objects: number;
  seconds: number;
  /** 'current' when the store already reflected the whole changelog partition. */
  mode: 'current' | 'incremental' | 'full';
}

export interface RestoreOptions {
  kafka: Kafka;
  admin: Admin;
  changelogTopic: string;
  /** Name prefix of the short-lived consumer group that reads the changelog. */
  groupIdPrefix: string;
  stores: ReadonlyMap<number, PartitionStore>;
  log: Logger;
}

interface RestorePlan {
  partition: number;
  store: PartitionStore;
  /** First offset to read. */
  start: number;
  /** Next offset to read: `start` until records arrive, then one past the last one applied. */
  next?: number;
  /** High watermark when the restore started; records from here on are not needed. */
  end: number;
  mode: RestoreResult['mode'];
  records: number;
  startedAt: number;
}

/**
 * Brings the stores of the given partitions up to date with the changelog topic. A store reads
 * only the records after the changelog offset it records. A store that is empty, ahead of the
 * changelog (the topic was recreated) or behind its start reads the partition from the beginning.
 * Reads up to the high watermark seen at the start, keeping the latest value per key.
 */
export async function restorePartitions(options: RestoreOptions): Promise<RestoreResult[]> {
  const startedAt = Date.now();
  const offsets = await options.admin.fetchTopicOffsets(options.changelogTopic);
  const plans: RestorePlan[] = [];

  for (const [partition, store] of options.stores) {
    const watermarks = offsets.find((entry) => entry.partition === partition);
    if (watermarks === undefined) {
      throw new Error(`changelog topic ${options.changelogTopic} has no partition ${partition}; it must have as many partitions as the input topics`);
    }
    plans.push(await planRestore(partition, store, Number(watermarks.low), Number(watermarks.high), startedAt));
  }

  const toRead = plans.filter((plan) => plan.start < plan.end);
  if (toRead.length > 0) await readChangelog(options, toRead);

  return plans.map((plan) => ({
    partition: plan.partition,
    records: plan.records,
    objects: plan.store.count(),
    seconds: (Date.now() - plan.startedAt) / 1000,
    mode: plan.mode,
  }));
}

async function planRestore(partition: number, store: PartitionStore, low: number, high: number, startedAt: number): Promise<RestorePlan> {
  const applied = store.appliedOffset();
  const plan: RestorePlan = { partition, store, start: applied + 1, end: high, mode: 'incremental', records: 0, startedAt };

  if (applied === high - 1) {
    plan.mode = 'current';
  } else if (applied >= high || applied + 1 < low) {
    // The store does not match this changelog (recreated topic, or records removed from its start).
    await store.clear();
    plan.start = low;
    plan.mode = 'full';
  } else if (applied === -1) {
    plan.mode = 'full';
  }
  return plan;
}

/** Reads the planned changelog partitions with a consumer group of its own, which commits nothing. */
async function readChangelog(options: RestoreOptions, plans: RestorePlan[]): Promise<void> {
  const groupId = `${options.groupIdPrefix}.restore-${randomUUID()}`;
  const consumer = options.kafka.consumer({ groupId, allowAutoTopicCreation: false });
  const byPartition = new Map(plans.map((plan) => [plan.partition, plan]));
  const remaining = new Set(byPartition.keys());

  await consumer.connect();
  try {
    await consumer.subscribe({ topic: options.changelogTopic, fromBeginning: true });
    await new Promise<void>((resolve, reject) => {
      consumer.on(consumer.events.CRASH, ({ payload }) => {
        if (!payload.restart) reject(payload.error);
      });
      // Seek on every join, not once after run(): a fresh broker makes the first join fail with
      // "coordinator is loading" and kafkajs restarts the consumer, which drops earlier seeks.
      consumer.on(consumer.events.GROUP_JOIN, () => {
        for (const plan of plans) {
          if (!remaining.has(plan.partition)) continue;
          consumer.seek({ topic: options.changelogTopic, partition: plan.partition, offset: String(plan.next ?? plan.start) });
        }
      });

      consumer
        .run({
          autoCommit: false,
          eachBatchAutoResolve: false,
          eachBatch: async ({ batch, pause, resolveOffset }) => {
            const plan = byPartition.get(batch.partition);
            if (plan === undefined || !remaining.has(batch.partition)) {
              pause();
              return;
            }

            applyRecords(plan, batch.messages, options.log);
            // Without this, kafkajs fetches the same first batch again and again when the range to
            // restore is larger than one fetch (1 MB per partition by default), so the restore hangs.
            resolveOffset(batch.lastOffset());
            // TODO: finish on the consumer position once the changelog is written in transactions.
            // Its last offset can then be a commit marker, and kafkajs 2.2.4 skips eachBatch for those.
            if (Number(batch.lastOffset()) >= plan.end - 1) {
              remaining.delete(batch.partition);
              pause();
              if (remaining.size === 0) resolve();
            }
          },
        })
        .catch(reject);
    });
  } finally {
    await consumer.disconnect();
    // The group committed no offsets, so the broker would drop it anyway; deleting it keeps
    // group listings short.
    await options.admin.deleteGroups([groupId]).catch(() => {});
  }

  for (const plan of plans) await plan.store.flush();
}

function applyRecords(plan: RestorePlan, messages: ReadonlyArray<{ offset: string; key: Buffer | null; value: Buffer | null }>, log: Logger): void {
  const latest = new Map<string, LightCurve>();
  let lastOffset = -1;

  for (const message of messages) {
    const offset = Number(message.offset);
    if (offset < plan.start || offset >= plan.end) continue;
    lastOffset = offset;
    plan.records += 1;

    // TODO: apply tombstones (null values) as deletes once anything writes them.
    if (message.value === null) continue;
    try {
      const lightCurve = decodeLightCurve(message.value);
      latest.set(changelogKey(lightCurve), lightCurve);
    } catch (error) {
      log.error({ partition: plan.partition, offset, key: message.key?.toString(), err: (error as Error).message }, 'changelog record skipped: value cannot be decoded');
    }
  }

  if (lastOffset >= 0) {
    plan.store.apply(latest.values(), lastOffset);
    plan.next = lastOffset + 1;
  }
}
