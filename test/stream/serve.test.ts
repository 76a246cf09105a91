// Runs the serve loop against a real broker on every real ZTF alert file and compares its
// output topic with the records of classify on the same files.

import type { Admin, Kafka } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { StreamService } from '@lightbridge/stream';
import { startKafka, type KafkaHandle } from '../support/kafka.ts';
import { sharedDataPath } from '../support/shared-data.ts';
import {
  alertMessage,
  classifyReference,
  countByCandid,
  createTopic,
  decodeOutput,
  distinctCandids,
  produce,
  readAlertFiles,
  readTopic,
  serveConfig,
  testClient,
  topicSize,
  type AlertFile,
  type OutputRecord,
  type TopicRecord,
} from './support.ts';

const alertsRoot = sharedDataPath('alerts');
const describeData = alertsRoot === undefined ? describe.skip : describe;

// Generous limits: the broker JVM, the model and the tests share 2 cores in CI.
const brokerStartTimeoutMs = 240_000;
const testTimeoutMs = 240_000;
const readTimeoutMs = 150_000;

describeData('serve end to end', () => {
  let kafka: KafkaHandle;
  let client: Kafka;
  let admin: Admin;
  let service: StreamService | undefined;
  let files: AlertFile[];
  let outputs: OutputRecord[];
  let outputRecords: TopicRecord[];
  let deadLetters: TopicRecord[];

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

  it('publishes one record per alert', async () => {
    files = readAlertFiles();
    const candids = distinctCandids(files);
    const input = await createTopic(admin, 'lightbridge-test-alerts', 3);
    await produce(client, input, files.map(alertMessage));

    const config = serveConfig(kafka.brokers, input);
    service = new StreamService(config);
    await service.start();

    outputRecords = await readTopic(client, config.outputTopic, (records) => records.length >= candids.size, readTimeoutMs);
    outputs = outputRecords.map(decodeOutput);
    const undecodable = files.filter((file) => file.candid === undefined).length;
    deadLetters = await readTopic(client, config.deadLetterTopic, (records) => records.length >= undecodable, readTimeoutMs);

    // Everything was read once the offsets are committed; then nothing more may arrive.
    await service.stop();
    service = undefined;
    const committed = await admin.fetchOffsets({ groupId: config.groupId, topics: [input] });
    const committedTotal = committed[0]!.partitions.reduce((sum, entry) => sum + Number(entry.offset), 0);
    expect(committedTotal, 'committed input offsets').toBe(files.length);
    expect(await topicSize(admin, config.outputTopic), 'records in the output topic after stop').toBe(candids.size);
    expect(await topicSize(admin, config.deadLetterTopic), 'records in the dead-letter topic after stop').toBe(undecodable);

    const counts = countByCandid(outputs);
    expect(counts.size).toBe(candids.size);
    for (const candid of candids) expect(counts.get(candid), `outputs of candid ${candid}`).toBe(1);
  }, testTimeoutMs);

  it('keys records by objectId with model headers', () => {
    outputRecords.forEach((record, i) => {
      expect(record.key).toBe(outputs[i]!.objectId);
      expect(record.headers['model-version']).toMatch(/\S/);
      expect(record.headers['feature-version']).toMatch(/\S/);
    });
  });

  it('dead-letters the non-ZTF packet', () => {
    const decat = files.filter((file) => file.path.includes('/decat/'));
    expect(decat).toHaveLength(1);
    expect(deadLetters).toHaveLength(1);
    const [deadLetter] = deadLetters;
    expect(deadLetter!.headers.reason).toBe('unknown-schema');
    expect(deadLetter!.value?.equals(decat[0]!.bytes)).toBe(true);
    expect(deadLetter!.key).toBe(alertMessage(decat[0]!).key);
    expect(deadLetter!.headers.message).toMatch(/not a known alert schema/);
    for (const header of ['topic', 'partition', 'offset']) expect(deadLetter!.headers[header], header).toMatch(/\S/);
  });

  it('drops repeated candids', () => {
    const decodable = files.filter((file) => file.candid !== undefined);
    const repeats = decodable.length - distinctCandids(files).size;
    expect(repeats).toBeGreaterThan(0);
    expect(outputs.length).toBe(decodable.length - repeats);
    expect(service).toBeUndefined();
  });

  it('matches the probabilities of classify', async () => {
    const reference = await classifyReference();
    expect(reference.size).toBe(outputs.length);
    for (const output of outputs) {
      const expected = reference.get(output.candid);
      expect(expected, `classify record of candid ${output.candid}`).toBeDefined();
      expect(output.nDetections, `nDetections of candid ${output.candid}`).toBe(expected!.nDetections);
      if (expected!.probabilities === null) {
        expect(output.probabilities, `probabilities of candid ${output.candid}`).toBeNull();
        continue;
      }
      expect(output.probabilities).not.toBeNull();
      expect(Object.keys(output.probabilities!).sort()).toEqual(Object.keys(expected!.probabilities).sort());
      for (const [name, probability] of Object.entries(expected!.probabilities)) {
        expect(Math.abs(output.probabilities![name]! - probability), `${name} of candid ${output.candid}`).toBeLessThan(1e-9);
      }
    }
  }, testTimeoutMs);
});
