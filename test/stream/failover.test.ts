// Two serve instances share a 4-partition topic, and one stops gracefully halfway. The survivor
// must take over its partitions with their light curves restored from the changelog.

import { readFileSync } from 'node:fs';
import type { Admin, Kafka } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeAlerts } from '@lightbridge/alerts';
import { StreamService } from '@lightbridge/stream';
import { startKafka, type KafkaHandle } from '../support/kafka.ts';
import { sharedDataPath } from '../support/shared-data.ts';
import {
  alertMessage,
  classifyReference,
  countByCandid,
  createTopic,
  decodeOutput,
  produce,
  readAlertFiles,
  readTopic,
  serveConfig,
  testClient,
  topicSize,
  waitFor,
  type AlertFile,
} from './support.ts';

const alertsRoot = sharedDataPath('alerts');
const describeData = alertsRoot === undefined ? describe.skip : describe;

const brokerStartTimeoutMs = 240_000;
const testTimeoutMs = 300_000;
const readTimeoutMs = 150_000;
const assignmentTimeoutMs = 90_000;

/** An object with 34 alerts over 40 days: later alerts carry only part of its history. */
const historyObject = 'ZTF21abiuvdk';

/** Splits each object's time-ordered alerts into the first half (rounded up) and the rest. */
function splitPerObject(files: readonly AlertFile[]): [AlertFile[], AlertFile[]] {
  const seen = new Map<string, number>();
  const total = new Map<string, number>();
  for (const file of files) total.set(file.objectId!, (total.get(file.objectId!) ?? 0) + 1);

  const first: AlertFile[] = [];
  const rest: AlertFile[] = [];
  for (const file of files) {
    const index = seen.get(file.objectId!) ?? 0;
    seen.set(file.objectId!, index + 1);
    (index < Math.ceil(total.get(file.objectId!)! / 2) ? first : rest).push(file);
  }
  return [first, rest];
}

describeData('serve failover', () => {
  let kafka: KafkaHandle;
  let client: Kafka;
  let admin: Admin;
  const services: StreamService[] = [];

  beforeAll(async () => {
    kafka = await startKafka();
    client = testClient(kafka.brokers);
    admin = client.admin();
    await admin.connect();
  }, brokerStartTimeoutMs);

  afterAll(async () => {
    for (const service of services) await service.stop();
    await admin?.disconnect();
    await kafka?.stop();
  }, 60_000);

  it('restores light curves on takeover', async () => {
    // Distinct decodable alerts only, so every input has exactly one expected output.
    const candids = new Set<string>();
    const files = readAlertFiles().filter((file) => file.candid !== undefined && !candids.has(file.candid) && candids.add(file.candid));
    const [firstHalf, secondHalf] = splitPerObject(files);
    expect(firstHalf.filter((file) => file.objectId === historyObject).length).toBe(17);
    expect(secondHalf.filter((file) => file.objectId === historyObject).length).toBe(17);

    const input = await createTopic(admin, 'lightbridge-test-failover', 4);
    const config = serveConfig(kafka.brokers, input);
    const second = { ...config, stateDir: `${config.stateDir}-second` };
    const instances = [new StreamService(config), new StreamService(second)];
    services.push(...instances);
    for (const instance of instances) await instance.start();
    await waitFor(
      () => instances.every((instance) => instance.assignedPartitions().length === 2),
      'both instances to own 2 partitions',
      assignmentTimeoutMs,
    );

    await produce(client, input, firstHalf.map(alertMessage));
    const firstOutputs = await readTopic(client, config.outputTopic, (records) => records.length >= firstHalf.length, readTimeoutMs);
    const historyPartition = firstOutputs.find((record) => record.key === historyObject)!.partition;
    const stopped = instances.find((instance) => instance.assignedPartitions().includes(historyPartition))!;
    const survivor = instances.find((instance) => instance !== stopped)!;
    const survivorRestores = survivor.restores.length;

    await stopped.stop();
    await waitFor(() => survivor.assignedPartitions().length === 4, 'the survivor to own all 4 partitions', assignmentTimeoutMs);
    await produce(client, input, secondHalf.map(alertMessage));
    const records = await readTopic(client, config.outputTopic, (read) => read.length >= files.length, readTimeoutMs);
    const outputs = records.map(decodeOutput);
    expect(await topicSize(admin, config.outputTopic), 'records in the output topic').toBe(files.length);

    // Every alert once, from whichever instance owned its partition.
    const counts = countByCandid(outputs);
    expect(counts.size).toBe(files.length);
    for (const file of files) expect(counts.get(file.candid!), `outputs of candid ${file.candid}`).toBe(1);

    // The survivor restored the taken-over partition from the changelog.
    const takeover = survivor.restores.slice(survivorRestores).find((restore) => restore.partition === historyPartition);
    expect(takeover, `restore of partition ${historyPartition}`).toBeDefined();
    expect(takeover!.mode).toBe('full');
    expect(takeover!.records).toBeGreaterThan(0);
    expect(takeover!.objects).toBeGreaterThan(0);

    // Later alerts of the object count detections that only its earlier alerts carried.
    const reference = await classifyReference();
    const lastFile = secondHalf.filter((file) => file.objectId === historyObject).at(-1)!;
    const carried = decodeAlerts(readFileSync(lastFile.path))[0]!.detections.length;
    const expectedDetections = reference.get(lastFile.candid!)!.nDetections;
    expect(expectedDetections, 'detections of the full history').toBeGreaterThan(carried);
    for (const file of secondHalf.filter((entry) => entry.objectId === historyObject)) {
      const output = outputs.find((entry) => entry.candid === file.candid)!;
      expect(output.nDetections, `nDetections of candid ${file.candid}`).toBe(reference.get(file.candid!)!.nDetections);
    }
  }, testTimeoutMs);
});
