// Shared steps of the serve tests: the real alerts in time order, a producer, a reader of
// whole topics, serve settings for a test broker, and the reference records of classify.

import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { Kafka, Partitioners, logLevel } from 'kafkajs';
import type { Admin, IHeaders, Message } from 'kafkajs';
import { decodeAlerts } from '@lightbridge/alerts';
import { classificationType } from '@lightbridge/pipeline';
import { loadStreamConfig, type RawSettings, type StreamConfig } from '@lightbridge/stream';
import { classifyFiles, DEFAULT_MODEL_FOLDER } from '../../services/cli/src/classify/run.ts';
import { listAvroFiles } from '../../packages/alerts/test/helpers.ts';
import { SHARED_DATA, ZTF_ALERT_FOLDERS } from '../support/shared-data.ts';

/** One real alert file, with what decoding it gave. */
export interface AlertFile {
  path: string;
  bytes: Buffer;
  /** Set for files that decode to one ZTF alert. */
  objectId?: string;
  candid?: string;
  jd?: number;
  /** Decoder reason for files that do not decode. */
  reason?: string;
}

/** A record as read back from a topic. */
export interface TopicRecord {
  partition: number;
  offset: string;
  key: string | null;
  value: Buffer | null;
  headers: Record<string, string>;
}

/** A classification as read from the output topic, candid as a decimal string. */
export interface OutputRecord {
  objectId: string;
  candid: string;
  probabilities: Record<string, number> | null;
  nDetections: number;
  modelVersion: string | null;
}

export const ALERT_FOLDERS = ZTF_ALERT_FOLDERS.map((folder) => join(SHARED_DATA, folder));

/**
 * Reads every alert file of the four ZTF folders (the DECam packet among them), in the order
 * classify reads them, and sorts the decodable ones by jd and then candid, which puts each
 * object's alerts in time order. Files that do not decode come first.
 */
export function readAlertFiles(): AlertFile[] {
  const files: AlertFile[] = [];
  for (const folder of ALERT_FOLDERS) {
    for (const path of listAvroFiles(folder)) {
      const bytes = readFileSync(path);
      try {
        const [alert] = decodeAlerts(bytes);
        files.push({ path, bytes, objectId: alert!.objectId, candid: alert!.candid, jd: alert!.mjd + 2400000.5 });
      } catch (error) {
        files.push({ path, bytes, reason: (error as { reason?: string }).reason ?? 'unreadable' });
      }
    }
  }

  // Array.prototype.sort is stable, so files that repeat a candid keep classify's order.
  return files.sort((a, b) => {
    if (a.jd === undefined || b.jd === undefined) return (a.jd === undefined ? 0 : 1) - (b.jd === undefined ? 0 : 1);
    if (a.jd !== b.jd) return a.jd - b.jd;
    return compareCandids(a.candid!, b.candid!);
  });
}

function compareCandids(a: string, b: string): number {
  if (a.length !== b.length) return a.length - b.length;
  if (a === b) return 0;
  return a < b ? -1 : 1;
}

/** Distinct candids of the decodable files. */
export function distinctCandids(files: readonly AlertFile[]): Set<string> {
  return new Set(files.filter((file) => file.candid !== undefined).map((file) => file.candid!));
}

export function testClient(brokers: string[]): Kafka {
  return new Kafka({ clientId: 'lightbridge-serve-test', brokers, logLevel: logLevel.WARN });
}

export async function createTopic(admin: Admin, prefix: string, partitions: number): Promise<string> {
  const topic = `${prefix}-${randomUUID()}`;
  await admin.createTopics({ waitForLeaders: true, topics: [{ topic, numPartitions: partitions, replicationFactor: 1 }] });
  return topic;
}

/**
 * Produces messages in the given order with the Java client's key partitioner and acks from all
 * replicas. Requests carry 8 messages, so alerts with cutouts (up to about 100 KB each) stay below
 * the broker's 1 MB record batch limit.
 */
export async function produce(client: Kafka, topic: string, messages: Message[]): Promise<void> {
  const producer = client.producer({ createPartitioner: Partitioners.DefaultPartitioner, idempotent: true, maxInFlightRequests: 1 });
  await producer.connect();
  try {
    for (let start = 0; start < messages.length; start += 8) {
      await producer.send({ topic, acks: -1, messages: messages.slice(start, start + 8) });
    }
  } finally {
    await producer.disconnect();
  }
}

/** Builds the input message of an alert file, keyed by objectId (by file name when it does not decode). */
export function alertMessage(file: AlertFile): Message {
  return { key: file.objectId ?? file.path.split('/').at(-1)!, value: file.bytes };
}

/**
 * Reads a topic from the beginning with a fresh consumer group until `done` returns true for the
 * records so far, or rejects after timeoutMs with the count so far.
 */
export async function readTopic(
  client: Kafka,
  topic: string,
  done: (records: TopicRecord[]) => boolean,
  timeoutMs: number,
): Promise<TopicRecord[]> {
  const groupId = `lightbridge-serve-test-${randomUUID()}`;
  const consumer = client.consumer({ groupId });
  const records: TopicRecord[] = [];
  await consumer.connect();
  try {
    await consumer.subscribe({ topic, fromBeginning: true });
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`read ${records.length} records from ${topic} within ${timeoutMs} ms, not enough`)), timeoutMs);
      const check = (): void => {
        if (done(records)) {
          clearTimeout(timer);
          resolve();
        }
      };
      consumer
        .run({
          eachMessage: async ({ message, partition }) => {
            records.push({
              partition,
              offset: message.offset,
              key: message.key?.toString() ?? null,
              value: message.value,
              headers: headerStrings(message.headers),
            });
            check();
          },
        })
        .then(check)
        .catch(reject);
    });
  } finally {
    await consumer.disconnect();
  }
  return records;
}

function headerStrings(headers: IHeaders | undefined): Record<string, string> {
  const strings: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers ?? {})) {
    if (value !== undefined) strings[name] = Array.isArray(value) ? value.map(String).join(',') : value.toString();
  }
  return strings;
}

/** Returns the number of records in a topic (the sum of its partitions' high watermarks; topics here are never compacted). */
export async function topicSize(admin: Admin, topic: string): Promise<number> {
  const offsets = await admin.fetchTopicOffsets(topic);
  return offsets.reduce((sum, entry) => sum + Number(entry.high), 0);
}

/** Waits until `condition` holds, checking every 200 ms; rejects with `what` after timeoutMs. */
export async function waitFor(condition: () => boolean, what: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

export function decodeOutput(record: TopicRecord): OutputRecord {
  const datum = classificationType.fromBuffer(record.value!) as Record<string, unknown>;
  return {
    objectId: datum.objectId as string,
    candid: String(datum.candid),
    probabilities: datum.probabilities as Record<string, number> | null,
    nDetections: datum.nDetections as number,
    modelVersion: datum.modelVersion as string | null,
  };
}

/** Serve settings for a test: fresh group, state folder and output topics unless given. */
export function serveConfig(brokers: string[], inputTopic: string, overrides: RawSettings = {}): StreamConfig {
  const id = randomUUID();
  return loadStreamConfig({
    env: {},
    defaultModelDir: DEFAULT_MODEL_FOLDER,
    overrides: {
      brokers: brokers.join(','),
      inputTopics: inputTopic,
      outputTopic: `lightbridge-test-output-${id}`,
      groupId: `lightbridge-test-serve-${id}`,
      stateDir: mkdtempSync(join(tmpdir(), 'lightbridge-serve-state-')),
      batchSize: '64',
      ...overrides,
    },
  });
}

/** Runs classify on the four alert folders and returns its records by candid. */
export async function classifyReference(): Promise<Map<string, OutputRecord>> {
  const outDir = mkdtempSync(join(tmpdir(), 'lightbridge-serve-reference-'));
  await classifyFiles({
    paths: ALERT_FOLDERS,
    outDir,
    stateDir: join(outDir, 'state'),
    modelDir: DEFAULT_MODEL_FOLDER,
    batchSize: 64,
    reorderWindow: 2000,
    progress: false,
  });
  const lines = readFileSync(join(outDir, 'classifications.ndjson'), 'utf8').split('\n').filter((line) => line !== '');
  const records = lines.map((line) => JSON.parse(line) as OutputRecord);
  return new Map(records.map((record) => [record.candid, record]));
}

/** Counts the records per candid. */
export function countByCandid(outputs: readonly OutputRecord[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const output of outputs) counts.set(output.candid, (counts.get(output.candid) ?? 0) + 1);
  return counts;
}
