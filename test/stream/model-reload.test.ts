// Drops new models into the model folder of a running serve and checks which model scores the
// alerts that arrive afterwards: a valid one from the next batch on, a broken one never.

import { cpSync, mkdtempSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Admin, Kafka } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveModelFolder } from '@lightbridge/model';
import { StreamService } from '@lightbridge/stream';
import { DEFAULT_MODEL_FOLDER } from '../../services/cli/src/classify/run.ts';
import { startKafka, type KafkaHandle } from '../support/kafka.ts';
import { sharedDataPath } from '../support/shared-data.ts';
import { alertMessage, createTopic, decodeOutput, produce, readAlertFiles, readTopic, serveConfig, testClient, type OutputRecord } from './support.ts';

const alertsRoot = sharedDataPath('alerts');
const describeData = alertsRoot === undefined ? describe.skip : describe;

/** Creates a model folder whose CURRENT names v1, a copy of the shipped model. */
function modelFolder(): string {
  const folder = mkdtempSync(join(tmpdir(), 'lightbridge-reload-'));
  cpSync(resolveModelFolder(DEFAULT_MODEL_FOLDER), join(folder, 'v1'), { recursive: true });
  writeFileSync(join(folder, 'CURRENT'), 'v1\n');
  return folder;
}

/** Publishes a new version beside the others and points CURRENT at it by an atomic rename. */
function publishVersion(folder: string, version: string, damaged = false): void {
  cpSync(resolveModelFolder(DEFAULT_MODEL_FOLDER), join(folder, version), { recursive: true });
  const manifestPath = join(folder, version, 'manifest.json');
  const manifest = JSON.parse(readFileSync(manifestPath, 'utf8'));
  manifest.modelVersion = version;
  writeFileSync(manifestPath, JSON.stringify(manifest));
  if (damaged) writeFileSync(join(folder, version, manifest.onnx.file), 'not an onnx model');
  writeFileSync(join(folder, 'CURRENT.new'), `${version}\n`);
  renameSync(join(folder, 'CURRENT.new'), join(folder, 'CURRENT'));
}

async function counterValue(counter: { get(): Promise<{ values: { value: number }[] }> }): Promise<number> {
  const { values } = await counter.get();
  return values.reduce((sum, entry) => sum + entry.value, 0);
}

async function waitForCounter(counter: Parameters<typeof counterValue>[0], expected: number, what: string): Promise<void> {
  const deadline = Date.now() + 60_000;
  while ((await counterValue(counter)) < expected) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

describeData('serve model reload', () => {
  let kafka: KafkaHandle;
  let client: Kafka;
  let admin: Admin;
  let service: StreamService | undefined;

  beforeAll(async () => {
    kafka = await startKafka();
    client = testClient(kafka.brokers);
    admin = client.admin();
    await admin.connect();
  }, 240_000);

  afterAll(async () => {
    await service?.stop();
    await admin?.disconnect();
    await kafka?.stop();
  }, 60_000);

  it('scores with a new model from the next batch', async () => {
    const files = readAlertFiles().filter((file) => file.candid !== undefined);
    const seen = new Set<string>();
    const distinct = files.filter((file) => !seen.has(file.candid!) && seen.add(file.candid!));
    const first = distinct.slice(0, 100);
    const second = distinct.slice(100, 200);
    const topic = await createTopic(admin, 'lightbridge-reload', 2);
    const folder = modelFolder();
    const config = serveConfig(kafka.brokers, topic, { modelDir: folder });
    service = new StreamService(config);
    await service.start();

    await produce(client, topic, first.map(alertMessage));
    const before = await readTopic(client, config.outputTopic, (records) => records.length >= first.length, 120_000);
    expect(before.length).toBe(first.length);

    publishVersion(folder, 'v2-reloaded');
    await waitForCounter(service.metrics.modelReloads, 1, 'the reload of v2-reloaded');
    publishVersion(folder, 'v3-broken', true);
    await waitForCounter(service.metrics.modelReloadFailures, 1, 'the rejection of v3-broken');

    await produce(client, topic, second.map(alertMessage));
    const all = await readTopic(client, config.outputTopic, (records) => records.length >= first.length + second.length, 120_000);
    const byCandid = new Map<string, OutputRecord>(all.map((record) => [decodeOutput(record).candid, decodeOutput(record)]));

    const versionsOf = (group: typeof first) =>
      new Set(group.map((file) => byCandid.get(file.candid!)?.modelVersion).filter((version) => version !== null));
    const shippedVersion = JSON.parse(readFileSync(join(resolveModelFolder(DEFAULT_MODEL_FOLDER), 'manifest.json'), 'utf8')).modelVersion;
    expect(versionsOf(first)).toEqual(new Set([shippedVersion]));
    expect(versionsOf(second)).toEqual(new Set(['v2-reloaded']));
    expect(all.length).toBe(first.length + second.length);
    expect(await counterValue(service.metrics.modelReloads)).toBe(1);
  }, 360_000);
});
