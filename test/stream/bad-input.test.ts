// Bad messages among real alerts: each gets one dead-letter record with its reason and its
// original bytes, a repeated alert gets nothing, and every good alert gets one output.

import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Admin, Kafka, Message } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { StreamService } from '@lightbridge/stream';
import { listAvroFiles } from '../../packages/alerts/test/helpers.ts';
import { startKafka, type KafkaHandle } from '../support/kafka.ts';
import { sharedDataPath } from '../support/shared-data.ts';
import {
  alertMessage,
  countByCandid,
  createTopic,
  decodeOutput,
  produce,
  readAlertFiles,
  readTopic,
  serveConfig,
  testClient,
  topicSize,
} from './support.ts';

const alertsRoot = sharedDataPath('alerts');
const describeData = alertsRoot === undefined ? describe.skip : describe;

const brokerStartTimeoutMs = 240_000;
const testTimeoutMs = 240_000;
const readTimeoutMs = 150_000;

interface BadMessage {
  key: string;
  value: Buffer | null;
  reason: string;
}

describeData('serve with bad input', () => {
  let kafka: KafkaHandle;
  let client: Kafka;
  let admin: Admin;
  let service: StreamService | undefined;

  beforeAll(async () => {
    kafka = await startKafka();
    client = testClient(kafka.brokers);
    admin = client.admin();
    await admin.connect();
  }, brokerStartTimeoutMs);

  afterAll(async () => {
    await service?.stop();
    await admin?.disconnect();
    await kafka?.stop();
  }, 60_000);

  it('dead-letters each bad message once', async () => {
    const good = readAlertFiles().filter((file) => file.path.includes('/ZTF21abiuvdk/') || file.path.includes('/ztf-avro-alert/'));
    expect(good.every((file) => file.candid !== undefined)).toBe(true);
    const real = readFileSync(good[0]!.path);
    const decat = listAvroFiles(join(alertsRoot!, 'pitt-google', 'decat'))[0]!;

    const bad: BadMessage[] = [
      { key: 'bad-truncated', value: real.subarray(0, Math.floor(real.length / 2)), reason: 'truncated' },
      { key: 'bad-random', value: randomBytes(4096), reason: 'not-avro' },
      { key: 'bad-empty', value: Buffer.alloc(0), reason: 'empty' },
      { key: 'bad-null', value: null, reason: 'empty' },
      { key: 'bad-decat', value: readFileSync(decat), reason: 'unknown-schema' },
    ];
    const repeated = good[good.length - 5]!;

    // Bad messages between good ones, and the repeat after its original.
    const messages: Message[] = good.map(alertMessage);
    bad.forEach((entry, i) => messages.splice(3 + i * 7, 0, { key: entry.key, value: entry.value }));
    messages.push(alertMessage(repeated));

    // One partition keeps the whole sequence in order, so the repeat follows its original.
    const input = await createTopic(admin, 'lightbridge-test-bad-input', 1);
    await produce(client, input, messages);
    const config = serveConfig(kafka.brokers, input);
    service = new StreamService(config);
    await service.start();

    const outputs = (await readTopic(client, config.outputTopic, (records) => records.length >= good.length, readTimeoutMs)).map(decodeOutput);
    const deadLetters = await readTopic(client, config.deadLetterTopic, (records) => records.length >= bad.length, readTimeoutMs);
    await service.stop();
    const stats = service.stats;
    service = undefined;

    expect(await topicSize(admin, config.outputTopic), 'records in the output topic after stop').toBe(good.length);
    expect(await topicSize(admin, config.deadLetterTopic), 'records in the dead-letter topic after stop').toBe(bad.length);
    expect(stats.duplicates, 'duplicates counted').toBe(1);
    expect(stats.deadLetters, 'dead letters counted').toBe(bad.length);
    expect(stats.messages, 'messages handled').toBe(messages.length);

    const counts = countByCandid(outputs);
    expect(outputs.length, 'output records').toBe(good.length);
    for (const file of good) expect(counts.get(file.candid!), `outputs of candid ${file.candid}`).toBe(1);

    expect(deadLetters.length, 'dead-letter records').toBe(bad.length);
    for (const entry of bad) {
      const records = deadLetters.filter((record) => record.key === entry.key);
      expect(records, `dead letters of ${entry.key}`).toHaveLength(1);
      const [record] = records;
      expect(record!.headers.reason, `reason of ${entry.key}`).toBe(entry.reason);
      expect(record!.headers.topic).toBe(input);
      expect(record!.headers.partition).toBe('0');
      expect(record!.headers.offset).toMatch(/^\d+$/);
      expect(record!.headers.message, `message of ${entry.key}`).toMatch(/\S/);
      if (entry.value === null) expect(record!.value).toBeNull();
      else expect(record!.value?.equals(entry.value), `bytes of ${entry.key}`).toBe(true);
    }

    const offsets = deadLetters.map((record) => Number(record.headers.offset));
    expect(new Set(offsets).size).toBe(bad.length);
  }, testTimeoutMs);
});
