// Restores a changelog partition far larger than one Kafka fetch (1 MB per partition by default),
// as every production changelog is.

import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Admin, Kafka } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Detection } from '@lightbridge/alerts';
import { emptyLightCurve, type LightCurve } from '@lightbridge/lightcurve';
import { changelogKey, encodeLightCurve, PartitionStore, restorePartitions } from '@lightbridge/stream';
import { componentLogger } from '@lightbridge/telemetry';
import { startKafka, type KafkaHandle } from '../support/kafka.ts';
import { createTopic, produce, testClient } from './support.ts';

/** Builds a light curve of `points` detections, about 150 bytes per point once encoded. */
function lightCurve(index: number, points: number): LightCurve {
  const curve = emptyLightCurve('ztf', `ZTF26test${String(index).padStart(5, '0')}`);
  for (let i = 0; i < points; i += 1) {
    const detection: Detection = {
      sourceId: `${2_000_000_000_000_000_000n + BigInt(index * 1000 + i)}`,
      mjd: 60000 + i * 0.7,
      band: i % 2 === 0 ? 'g' : 'r',
      flux: 100 + i,
      fluxErr: 5,
      mag: 18.9,
      magErr: 0.05,
      isDiffPos: true,
      rb: 0.9,
      drb: 0.99,
    };
    curve.detections.push(detection);
  }
  curve.alertIds.push(curve.detections.at(-1)!.sourceId);
  return curve;
}

describe('changelog restore', () => {
  let kafka: KafkaHandle;
  let client: Kafka;
  let admin: Admin;

  beforeAll(async () => {
    kafka = await startKafka();
    client = testClient(kafka.brokers);
    admin = client.admin();
    await admin.connect();
  }, 240_000);

  afterAll(async () => {
    await admin?.disconnect();
    await kafka?.stop();
  }, 60_000);

  it('restores a partition larger than one fetch', async () => {
    const topic = await createTopic(admin, 'lightbridge-changelog-large', 1);
    const curves = Array.from({ length: 400 }, (_, index) => lightCurve(index, 60));
    const messages = curves.map((curve) => ({ key: changelogKey(curve), value: encodeLightCurve(curve), partition: 0 }));
    const bytes = messages.reduce((sum, message) => sum + message.value.length, 0);
    expect(bytes).toBeGreaterThan(3 * 1024 * 1024);
    for (let start = 0; start < messages.length; start += 50) await produce(client, topic, messages.slice(start, start + 50));

    const store = new PartitionStore(join(mkdtempSync(join(tmpdir(), 'lightbridge-restore-')), 'partition-0'));
    const [result] = await restorePartitions({
      kafka: client,
      admin,
      changelogTopic: topic,
      groupIdPrefix: 'lightbridge-restore-test',
      stores: new Map([[0, store]]),
      log: componentLogger('test'),
    });

    expect(result!.records).toBe(400);
    expect(result!.objects).toBe(400);
    expect(store.appliedOffset()).toBe(399);
    expect(store.get('ztf', curves[399]!.objectId)?.detections.length).toBe(60);
    await store.close();
  }, 240_000);
});
