import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Batch } from 'kafkajs';
import { afterAll, describe, expect, it } from 'vitest';
import type { ClassificationRecord } from '@lightbridge/pipeline';
import { type BatchOutput, PartitionStore, ServeMetrics } from '../src/index.ts';

const INPUT = 'ztf_20260615_programid1';
const OUTPUT = 'lightbridge.classifications';
const FILTER = 'lightbridge.ia';

/**
 * Returns the value of one series (a histogram's `_sum` or `_count` too), or undefined when the
 * series does not exist.
 */
async function valueOf(metrics: ServeMetrics, name: string, labels: Record<string, string> = {}): Promise<number | undefined> {
  const base = name.replace(/_(sum|count)$/, '');
  const metric = metrics.metrics.registry.getSingleMetric(name) ?? metrics.metrics.registry.getSingleMetric(base);
  if (metric === undefined) throw new Error(`metric ${name} is not registered`);
  const { values } = await metric.get();
  const match = values.find((entry) => {
    if (((entry as { metricName?: string }).metricName ?? name) !== name) return false;
    const keys = Object.keys(entry.labels);
    return keys.length === Object.keys(labels).length && keys.every((key) => String(entry.labels[key]) === labels[key]);
  });
  return match?.value;
}

function record(predictedClass: string | null, flags: ClassificationRecord['flags'], alertMjd: number): ClassificationRecord {
  return {
    objectId: 'ZTF21aaaaaaa',
    candid: '1',
    survey: 'ztf',
    schemaVersion: '4.02',
    alertMjd,
    modelVersion: predictedClass === null ? null : 'm1',
    featureVersion: 'f1',
    probabilities: predictedClass === null ? null : { [predictedClass]: 1 },
    predictedClass,
    flags,
    features: {},
    nDetections: 1,
    nNonDetections: 0,
    nForcedPhotometry: 0,
    warnings: [],
  };
}

function output(): BatchOutput {
  const published = [
    { record: record('SN Ia', [], 60000), kafkaTimestampMs: 1_000_000 },
    { record: record(null, ['bogus', 'star'], 60000), kafkaTimestampMs: 1_000_000 },
  ];
  return {
    topicMessages: [
      { topic: OUTPUT, messages: [{ value: 'a' }, { value: 'b' }] },
      { topic: FILTER, messages: [{ value: 'a' }] },
      { topic: `${OUTPUT}.dead-letter`, messages: [{ value: 'c' }] },
      { topic: 'changelog', messages: [{ value: 'd' }, { value: 'e' }] },
    ],
    changedLightCurves: [],
    records: published.map((entry) => entry.record),
    published,
    alertsDecoded: 3,
    deadLetters: [{ offset: '12', reason: 'truncated', message: 'short' }],
    duplicates: [{ objectId: 'ZTF21aaaaaaa', candid: '0', offset: '11' }],
    stageSeconds: { decode: 0.001, state: 0.002, features: 0.003, gate: 0.0001, scoring: 0.01 },
  };
}

const batch = { topic: INPUT, partition: 2, highWatermark: '20' } as unknown as Batch;
const lastMessage = { offset: '14', timestamp: '1000000' } as Batch['messages'][number];

describe('ServeMetrics', () => {
  const folder = mkdtempSync(join(tmpdir(), 'lightbridge-serve-metrics-'));
  const store = new PartitionStore(join(folder, 'store-2'));

  afterAll(async () => {
    await store.close();
  });

  it('starts topic counters at zero', async () => {
    const metrics = new ServeMetrics();
    metrics.initialise({ inputTopics: [INPUT], publishTopics: [OUTPUT, FILTER] }, ['SN Ia', 'SN II']);
    expect(await valueOf(metrics, 'lightbridge_messages_consumed_total', { topic: INPUT })).toBe(0);
    expect(await valueOf(metrics, 'lightbridge_alerts_consumed_total', { topic: INPUT })).toBe(0);
    expect(await valueOf(metrics, 'lightbridge_alerts_published_total', { topic: OUTPUT })).toBe(0);
    expect(await valueOf(metrics, 'lightbridge_alerts_published_total', { topic: FILTER })).toBe(0);
    expect(await valueOf(metrics, 'lightbridge_predicted_class_total', { class: 'SN II' })).toBe(0);
    expect(await valueOf(metrics, 'lightbridge_predicted_class_total', { class: 'none' })).toBe(0);
    expect(await valueOf(metrics, 'lightbridge_quality_flags_total', { flag: 'bogus' })).toBe(0);
    expect(await valueOf(metrics, 'lightbridge_dead_letters_total', { reason: 'unknown-schema' })).toBe(0);
    expect(await valueOf(metrics, 'lightbridge_alerts_rejected_total', { reason: 'processing-failed' })).toBe(0);
  });

  it('keeps instances apart', async () => {
    const first = new ServeMetrics();
    const second = new ServeMetrics();
    first.chunkRead(INPUT, 5);
    expect(await valueOf(first, 'lightbridge_messages_consumed_total', { topic: INPUT })).toBe(5);
    expect(await valueOf(second, 'lightbridge_messages_consumed_total', { topic: INPUT })).toBeUndefined();
  });

  it('counts a processed chunk', async () => {
    const metrics = new ServeMetrics();
    metrics.chunkRead(INPUT, 4);
    metrics.chunkProcessed(INPUT, output());
    expect(await valueOf(metrics, 'lightbridge_messages_consumed_total', { topic: INPUT })).toBe(4);
    expect(await valueOf(metrics, 'lightbridge_alerts_consumed_total', { topic: INPUT })).toBe(3);
    expect(await valueOf(metrics, 'lightbridge_alerts_rejected_total', { reason: 'truncated' })).toBe(1);
    expect(await valueOf(metrics, 'lightbridge_stage_duration_seconds_count', { stage: 'scoring' })).toBe(1);
    expect(await valueOf(metrics, 'lightbridge_stage_duration_seconds_sum', { stage: 'features' })).toBeCloseTo(0.003, 9);
    expect(await valueOf(metrics, 'lightbridge_batch_size_messages_count')).toBe(1);
  });

  it('counts a delivered chunk', async () => {
    const metrics = new ServeMetrics();
    metrics.initialise({ inputTopics: [INPUT], publishTopics: [OUTPUT, FILTER] }, ['SN Ia']);
    metrics.chunkDelivered(batch, lastMessage, output(), output().topicMessages, 1_002_000);
    expect(await valueOf(metrics, 'lightbridge_alerts_published_total', { topic: OUTPUT })).toBe(2);
    expect(await valueOf(metrics, 'lightbridge_alerts_published_total', { topic: FILTER })).toBe(1);
    expect(await valueOf(metrics, 'lightbridge_alerts_published_total', { topic: 'changelog' })).toBeUndefined();
    expect(await valueOf(metrics, 'lightbridge_dead_letters_total', { reason: 'truncated' })).toBe(1);
    expect(await valueOf(metrics, 'lightbridge_duplicate_alerts_total', { topic: INPUT })).toBe(1);
    expect(await valueOf(metrics, 'lightbridge_predicted_class_total', { class: 'SN Ia' })).toBe(1);
    expect(await valueOf(metrics, 'lightbridge_predicted_class_total', { class: 'none' })).toBe(1);
    expect(await valueOf(metrics, 'lightbridge_quality_flags_total', { flag: 'star' })).toBe(1);
  });

  it('measures latency from the Kafka timestamp', async () => {
    const metrics = new ServeMetrics();
    metrics.chunkDelivered(batch, lastMessage, output(), [], 1_002_000);
    expect(await valueOf(metrics, 'lightbridge_latency_from_kafka_seconds_count')).toBe(2);
    expect(await valueOf(metrics, 'lightbridge_latency_from_kafka_seconds_sum')).toBe(4);
  });

  it('measures latency from observation', async () => {
    const metrics = new ServeMetrics();
    // MJD 60000 is 2023-02-25T00:00Z, Unix time 1677283200 s; publish one hour later.
    const nowMs = (1_677_283_200 + 3600) * 1000;
    metrics.chunkDelivered(batch, lastMessage, output(), [], nowMs);
    expect(await valueOf(metrics, 'lightbridge_latency_from_observation_seconds_sum')).toBeCloseTo(7200, 3);
  });

  it('sets lag from the high watermark', async () => {
    const metrics = new ServeMetrics();
    metrics.chunkDelivered(batch, lastMessage, output(), [], 1_002_000);
    // Offset 14 processed, so 15 is committed; the high watermark 20 leaves 5 messages.
    expect(await valueOf(metrics, 'lightbridge_consumer_lag_messages', { topic: INPUT, partition: '2' })).toBe(5);
    expect(await valueOf(metrics, 'lightbridge_last_processed_kafka_timestamp_seconds', { topic: INPUT, partition: '2' })).toBe(1000);
  });

  it('reads the store size', async () => {
    const metrics = new ServeMetrics();
    store.apply([{ survey: 'ztf', objectId: 'ZTF21aaaaaaa', alertIds: ['1'], detections: [], nonDetections: [], forcedPhotometry: [] } as never], 0);
    await store.flush();
    metrics.storeChanged(2, store);
    expect(await valueOf(metrics, 'lightbridge_lightcurve_store_objects', { partition: '2' })).toBe(1);
    expect(await valueOf(metrics, 'lightbridge_lightcurve_store_size_bytes', { partition: '2' })).toBeGreaterThan(0);
  });

  it('removes series of a revoked partition', async () => {
    const metrics = new ServeMetrics();
    metrics.chunkDelivered(batch, lastMessage, output(), [], 1_002_000);
    metrics.storeChanged(2, store);
    metrics.partitionRevoked(2, [INPUT]);
    expect(await valueOf(metrics, 'lightbridge_consumer_lag_messages', { topic: INPUT, partition: '2' })).toBeUndefined();
    expect(await valueOf(metrics, 'lightbridge_lightcurve_store_objects', { partition: '2' })).toBeUndefined();
  });

  it('records model and restore', async () => {
    const metrics = new ServeMetrics();
    metrics.modelLoaded({ modelVersion: 'm1', featureVersion: 'f1', method: 'source-only' } as never, 0.25);
    metrics.restored({ partition: 0, records: 7, objects: 5, seconds: 0.5, mode: 'full' });
    expect(await valueOf(metrics, 'lightbridge_model_info', { model_version: 'm1', feature_version: 'f1', method: 'source-only' })).toBe(1);
    expect(await valueOf(metrics, 'lightbridge_model_load_duration_seconds')).toBe(0.25);
    expect(await valueOf(metrics, 'lightbridge_state_restored_objects_total')).toBe(7);
    expect(await valueOf(metrics, 'lightbridge_state_restore_duration_seconds_count')).toBe(1);
  });
});
