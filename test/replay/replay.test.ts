// Checks `lightbridge replay` against a real broker: bytes, keys, partitions and time order of
// the produced messages, pacing with --rate, undecodable inputs, and its errors.

import { execFile } from 'node:child_process';
import { createHash, randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { promisify } from 'node:util';
import { Kafka, logLevel } from 'kafkajs';
import type { Admin } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeAlerts } from '@lightbridge/alerts';
import { replayAlerts, type SentMessage } from '../../services/cli/src/replay/replay.ts';
import { ReplayError } from '../../services/cli/src/replay/topic.ts';
import { listAvroFiles } from '../../packages/alerts/test/helpers.ts';
import { startKafka } from '../support/kafka.ts';
import type { KafkaHandle } from '../support/kafka.ts';
import { REPOSITORY_ROOT, sharedDataPath, ZTF_ALERT_FOLDERS } from '../support/shared-data.ts';

const execFileAsync = promisify(execFile);

const brokerStartTimeoutMs = 240_000;
const testTimeoutMs = 180_000;
const consumeTimeoutMs = 90_000;

interface Consumed {
  key: string;
  value: Buffer;
  partition: number;
  offset: bigint;
}

const alertFolders = ZTF_ALERT_FOLDERS.map((folder) => sharedDataPath(folder));
const haveAlerts = alertFolders.every((folder) => folder !== undefined);

let kafka: KafkaHandle | undefined;
let client: Kafka;
let admin: Admin;
let work: string;
const createdTopics: string[] = [];

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'lightbridge-replay-test-'));
  if (!haveAlerts) return;
  kafka = await startKafka();
  client = new Kafka({ clientId: 'lightbridge-replay-test', brokers: kafka.brokers, logLevel: logLevel.WARN });
  admin = client.admin();
  await admin.connect();
}, brokerStartTimeoutMs);

afterAll(async () => {
  rmSync(work, { recursive: true, force: true });
  if (admin) {
    if (createdTopics.length > 0) {
      await admin.deleteTopics({ topics: createdTopics }).catch((error: unknown) => {
        console.warn(`[replay test] deleting topics ${createdTopics.join(', ')} failed: ${String(error)}`);
      });
    }
    await admin.disconnect();
  }
  await kafka?.stop();
}, 60_000);

function topicName(prefix: string): string {
  const topic = `${prefix}-${randomUUID()}`;
  createdTopics.push(topic);
  return topic;
}

async function createTopic(prefix: string, partitions: number): Promise<string> {
  const topic = topicName(prefix);
  await admin.createTopics({ waitForLeaders: true, topics: [{ topic, numPartitions: partitions }] });
  return topic;
}

/** Reads the topic from the beginning in a fresh consumer group until `count` messages arrived. */
async function consumeTopic(topic: string, count: number): Promise<Consumed[]> {
  const consumer = client.consumer({ groupId: `lightbridge-replay-test-${randomUUID()}` });
  const received: Consumed[] = [];
  await consumer.connect();
  try {
    await consumer.subscribe({ topic, fromBeginning: true });
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`received ${received.length} of ${count} messages from ${topic} within ${consumeTimeoutMs} ms`)), consumeTimeoutMs);
      consumer
        .run({
          eachMessage: async ({ message, partition }) => {
            received.push({ key: message.key?.toString() ?? '', value: message.value ?? Buffer.alloc(0), partition, offset: BigInt(message.offset) });
            if (received.length >= count) {
              clearTimeout(timer);
              resolve();
            }
          },
        })
        .catch((error: unknown) => {
          clearTimeout(timer);
          reject(error);
        });
    });
  } finally {
    await consumer.disconnect();
  }
  return received;
}

async function messagesInTopic(topic: string): Promise<number> {
  const offsets = await admin.fetchTopicOffsets(topic);
  return offsets.reduce((sum, entry) => sum + Number(entry.high) - Number(entry.low), 0);
}

function sha256(bytes: Buffer): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** The key replay must give a file: its objectId, or its file name when it cannot be decoded. */
function expectedKey(path: string, bytes: Buffer): string {
  try {
    return decodeAlerts(bytes)[0]!.objectId;
  } catch {
    return basename(path);
  }
}

/** Returns [mjd, candid] of a decodable message value, or undefined. */
function alertTime(value: Buffer): [number, bigint] | undefined {
  try {
    const alert = decodeAlerts(value)[0]!;
    return [alert.mjd, BigInt(alert.candid)];
  } catch {
    return undefined;
  }
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** Runs the CLI as a user would; resolves with the exit code and both outputs. */
async function runCli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await execFileAsync('node', ['--import', 'tsx', 'services/cli/src/main.ts', ...args], {
      cwd: REPOSITORY_ROOT,
      timeout: 120_000,
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code?: number; stdout?: string; stderr?: string };
    return { code: failed.code ?? -1, stdout: failed.stdout ?? '', stderr: failed.stderr ?? '' };
  }
}

describe.skipIf(!haveAlerts)('replay', () => {
  it('produces real alert folders once each', async () => {
    const folders = alertFolders as string[];
    const files = folders.flatMap((folder) => listAvroFiles(folder));
    const expected = new Map<string, { key: string; count: number }>();
    for (const file of files) {
      const bytes = readFileSync(file);
      const entry = expected.get(sha256(bytes)) ?? { key: expectedKey(file, bytes), count: 0 };
      entry.count += 1;
      expected.set(sha256(bytes), entry);
    }

    const topic = topicName('lightbridge-test-replay');
    const sent: SentMessage[] = [];
    const summary = await replayAlerts({
      inputs: folders,
      topic,
      brokers: kafka!.brokers,
      createTopic: true,
      partitions: 3,
      onSent: (messages) => sent.push(...messages),
    });

    expect(summary.messages).toBe(files.length);
    expect(sent).toHaveLength(files.length);
    expect(summary.unreadable).toBe(0);
    expect(summary.undecodable, 'the DECam packet').toBe(1);
    expect(await messagesInTopic(topic), 'records in the topic').toBe(files.length);
    const metadata = await admin.fetchTopicMetadata({ topics: [topic] });
    expect(metadata.topics[0]!.partitions).toHaveLength(3);

    const received = await consumeTopic(topic, files.length);
    expect(received).toHaveLength(files.length);

    // Every file's bytes arrive as often as the file exists, with the file's key.
    const arrived = new Map<string, number>();
    for (const message of received) {
      const hash = sha256(message.value);
      const entry = expected.get(hash);
      expect(entry, `message with key ${message.key} matches no input file`).toBeDefined();
      expect(message.key).toBe(entry!.key);
      arrived.set(hash, (arrived.get(hash) ?? 0) + 1);
    }
    for (const [hash, { key, count }] of expected) {
      expect(arrived.get(hash), `copies of ${key}`).toBe(count);
    }

    const partitionsByKey = new Map<string, Set<number>>();
    for (const message of received) {
      const partitions = partitionsByKey.get(message.key) ?? new Set<number>();
      partitions.add(message.partition);
      partitionsByKey.set(message.key, partitions);
    }
    for (const [key, partitions] of partitionsByKey) {
      expect(partitions.size, `partitions of ${key}`).toBe(1);
    }
    expect(new Set(received.map((message) => message.partition)).size, 'partitions used').toBe(3);

    // The reorder window (2000) contains every input here, so each partition is fully in time order.
    for (const partition of [0, 1, 2]) {
      const times = received
        .filter((message) => message.partition === partition)
        .sort((a, b) => (a.offset < b.offset ? -1 : 1))
        .map((message) => alertTime(message.value))
        .filter((time) => time !== undefined);
      for (let i = 1; i < times.length; i += 1) {
        const [mjd, candid] = times[i]!;
        const [previousMjd, previousCandid] = times[i - 1]!;
        const inOrder = mjd > previousMjd || (mjd === previousMjd && candid >= previousCandid);
        expect(inOrder, `partition ${partition} offset ${i}: MJD ${mjd} candid ${candid} after MJD ${previousMjd} candid ${previousCandid}`).toBe(true);
      }
    }
  }, testTimeoutMs);

  it('paces sends with a rate', async () => {
    const files = listAvroFiles(alertFolders[1]!).concat(listAvroFiles(alertFolders[2]!)).slice(0, 30);
    const rate = 20;
    const topic = await createTopic('lightbridge-test-replay-rate', 3);
    const sent: SentMessage[] = [];

    const startedAt = performance.now();
    const summary = await replayAlerts({ inputs: files, topic, brokers: kafka!.brokers, ratePerSecond: rate, onSent: (messages) => sent.push(...messages) });
    const seconds = (performance.now() - startedAt) / 1000;

    // Lower bounds only: the first message goes at once, the last (n - 1) / rate seconds later.
    const minimumSeconds = (files.length - 1) / rate;
    expect(summary.messages).toBe(files.length);
    expect(seconds).toBeGreaterThanOrEqual(minimumSeconds);
    expect(summary.seconds).toBeGreaterThanOrEqual(minimumSeconds);
    expect(sent.length, 'sends acknowledged').toBe(files.length);
    expect(await messagesInTopic(topic)).toBe(files.length);
  }, testTimeoutMs);

  it('produces an undecodable file by name', async () => {
    const bad = join(work, 'not-an-alert.avro');
    const badBytes = Buffer.from('these bytes are not an Avro container');
    writeFileSync(bad, badBytes);
    const good = listAvroFiles(alertFolders[0]!)[0]!;
    const topic = await createTopic('lightbridge-test-replay-bad', 3);

    const result = await runCli(['replay', good, bad, '--topic', topic, '--brokers', kafka!.brokers.join(','), '--no-progress']);

    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toContain(`${bad} cannot be decoded`);
    expect(result.stderr).toContain('key "not-an-alert.avro"');
    expect(result.stdout).toContain('Replayed 2 messages');
    expect(result.stdout).toContain('undecodable inputs produced with their file name as key: 1');

    const received = await consumeTopic(topic, 2);
    const badMessage = received.find((message) => message.key === 'not-an-alert.avro');
    expect(badMessage).toBeDefined();
    expect(badMessage!.value.equals(badBytes)).toBe(true);
    const goodBytes = readFileSync(good);
    const goodMessage = received.find((message) => message.key === decodeAlerts(goodBytes)[0]!.objectId);
    expect(goodMessage).toBeDefined();
    expect(goodMessage!.value.equals(goodBytes)).toBe(true);
  }, testTimeoutMs);

  it('rejects a missing topic', async () => {
    const topic = `lightbridge-test-replay-missing-${randomUUID()}`;
    const input = listAvroFiles(alertFolders[0]!)[0]!;

    const failure = replayAlerts({ inputs: [input], topic, brokers: kafka!.brokers });
    await expect(failure).rejects.toThrow(ReplayError);
    await expect(failure).rejects.toThrow(`topic "${topic}" does not exist`);

    const result = await runCli(['replay', input, '--topic', topic, '--brokers', kafka!.brokers.join(','), '--no-progress']);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`topic "${topic}" does not exist`);
    expect(result.stderr).toContain('--create-topic');
    expect((await admin.listTopics()).includes(topic), 'topic created by mistake').toBe(false);
  }, testTimeoutMs);

  it('rejects unreachable brokers', async () => {
    const broker = `127.0.0.1:${await freePort()}`;
    const input = listAvroFiles(alertFolders[0]!)[0]!;

    const failure = replayAlerts({ inputs: [input], topic: 'any', brokers: [broker], connectTimeoutMs: 5_000 });
    await expect(failure).rejects.toThrow(ReplayError);
    await expect(failure).rejects.toThrow(`cannot connect to any Kafka broker (${broker}`);
  });

  it('rejects invalid options', async () => {
    const input = listAvroFiles(alertFolders[0]!)[0]!;
    const cases: Array<{ args: string[]; message: string }> = [
      { args: [input, '--topic', 't', '--rate', 'fast'], message: '--rate must be a positive number, got "fast"' },
      { args: [input, '--topic', 't', '--rate', '0'], message: '--rate must be a positive number, got "0"' },
      { args: [input], message: '--topic is required' },
      { args: ['--topic', 't'], message: 'give at least one alert file' },
      { args: [join(work, 'absent.avro'), '--topic', 't'], message: 'not found' },
      { args: [input, '--topic', 't', '--partitions', '6'], message: '--partitions applies only to a topic created with --create-topic' },
      { args: [input, '--topic', 't', '--create-topic', '--partitions', '0'], message: '--partitions must be an integer from 1' },
      { args: [input, '--topic', 't', '--brokers', 'localhost'], message: 'broker "localhost" is not host:port' },
    ];

    for (const { args, message } of cases) {
      const result = await runCli(['replay', ...args]);
      expect(result.code, args.join(' ')).toBe(2);
      expect(result.stderr, args.join(' ')).toContain(message);
    }
  }, testTimeoutMs);
});
