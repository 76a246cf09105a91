// Runs serve against a real broker with its telemetry server on a free port. A real Prometheus
// that loads the project's rules scrapes it every second. The test replays the real ZTF alerts
// and compares the counts from PromQL with what was replayed.

import { fileURLToPath } from 'node:url';
import type { Admin, Kafka } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STAGES } from '@lightbridge/telemetry';
import { StreamService, type StreamConfig } from '@lightbridge/stream';
import { replayAlerts, type ReplaySummary } from '../../services/cli/src/replay/replay.ts';
import { startKafka, type KafkaHandle } from '../support/kafka.ts';
import { prometheusAvailable, startPrometheus, type PrometheusHandle, type PromSample } from '../support/prometheus.ts';
import { sharedDataPath } from '../support/shared-data.ts';
import { ALERT_FOLDERS, createTopic, distinctCandids, readAlertFiles, serveConfig, testClient, type AlertFile } from '../stream/support.ts';

const rulesFile = fileURLToPath(new URL('../../deploy/prometheus/rules/lightbridge.rules.yml', import.meta.url));

// Generous limits: the broker JVM, Prometheus, the model and the test share 2 cores in CI.
const brokerStartTimeoutMs = 240_000;
const testTimeoutMs = 240_000;
const queryTimeoutMs = 150_000;

function prometheusPresent(): boolean {
  if (prometheusAvailable()) return true;
  if (process.env.CI === 'true') {
    throw new Error('prometheus is missing under CI=true; install it with: bash deploy/prometheus/install.sh');
  }
  console.warn('skipping: prometheus is missing; install it with: bash deploy/prometheus/install.sh');
  return false;
}

const runnable = prometheusPresent() && sharedDataPath('alerts') !== undefined;

/**
 * Waits until the broker returns metadata for a topic just created: with KRaft the broker's
 * metadata cache can trail createTopics, and serve's start would fail on the unknown topic.
 */
async function waitForTopic(admin: Admin, topic: string): Promise<void> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    try {
      await admin.fetchTopicMetadata({ topics: [topic] });
      return;
    } catch (error) {
      if (Date.now() > deadline) throw new Error(`topic ${topic} has no metadata 30 s after its creation: ${(error as Error).message}`);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }
}

/** Returns the value of a query that yields one sample, or NaN for any other result. */
function single(samples: PromSample[]): number {
  return samples.length === 1 ? samples[0]!.value : Number.NaN;
}

describe.runIf(runnable)('serve scraped by Prometheus', () => {
  let kafka: KafkaHandle;
  let client: Kafka;
  let admin: Admin;
  let service: StreamService | undefined;
  let prometheus: PrometheusHandle | undefined;
  let config: StreamConfig;
  let files: AlertFile[];
  let replay: ReplaySummary;

  beforeAll(async () => {
    kafka = await startKafka();
    client = testClient(kafka.brokers);
    admin = client.admin();
    await admin.connect();
  }, brokerStartTimeoutMs);

  afterAll(async () => {
    await service?.stop();
    await prometheus?.stop();
    await admin?.disconnect();
    await kafka?.stop();
  }, 60_000);

  it('starts serve with telemetry', async () => {
    const input = await createTopic(admin, 'lightbridge-test-observed', 3);
    await waitForTopic(admin, input);
    config = serveConfig(kafka.brokers, input, { metricsPort: '0' });
    service = new StreamService(config);
    await service.start();

    expect(service.metricsUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const target = new URL(service.metricsUrl!).host;
    prometheus = await startPrometheus({ scrapeTargets: [target], ruleFiles: [rulesFile], intervalSeconds: 1 });
    const up = await prometheus.waitFor('up{job="lightbridge"}', (samples) => single(samples) === 1, queryTimeoutMs);
    expect(up[0]!.metric.instance).toBe(target);
  }, testTimeoutMs);

  it('shows zero counters before input', async () => {
    const consumed = await prometheus!.waitFor('lightbridge_messages_consumed_total', (samples) => samples.length > 0, queryTimeoutMs);
    expect(consumed).toHaveLength(1);
    expect(consumed[0]!.value).toBe(0);
    const published = await prometheus!.query(`lightbridge_alerts_published_total{topic="${config.outputTopic}"}`);
    expect(single(published)).toBe(0);
  }, testTimeoutMs);

  it('counts the replayed alerts', async () => {
    files = readAlertFiles();
    replay = await replayAlerts({ inputs: ALERT_FOLDERS, topic: config.inputTopics![0]!, brokers: kafka.brokers, progress: false });
    expect(replay.messages).toBe(files.length);

    const consumed = await prometheus!.waitFor('sum(lightbridge_messages_consumed_total)', (samples) => single(samples) >= replay.messages, queryTimeoutMs);
    expect(single(consumed)).toBe(replay.messages);
    const published = await prometheus!.waitFor(
      `sum(lightbridge_alerts_published_total{topic="${config.outputTopic}"})`,
      (samples) => single(samples) >= distinctCandids(files).size,
      queryTimeoutMs,
    );
    expect(single(published)).toBe(distinctCandids(files).size);
  }, testTimeoutMs);

  it('counts dead letters and duplicates', async () => {
    const undecodable = files.filter((file) => file.candid === undefined).length;
    expect(replay.undecodable).toBe(undecodable);
    const deadLetters = await prometheus!.waitFor('sum(lightbridge_dead_letters_total)', (samples) => single(samples) >= undecodable, queryTimeoutMs);
    expect(single(deadLetters)).toBe(undecodable);
    const byReason = await prometheus!.query('lightbridge_dead_letters_total > 0');
    expect(byReason.map((sample) => sample.metric.reason)).toEqual(['unknown-schema']);

    const repeats = files.length - undecodable - distinctCandids(files).size;
    const duplicates = await prometheus!.waitFor('sum(lightbridge_duplicate_alerts_total)', (samples) => single(samples) >= repeats, queryTimeoutMs);
    expect(single(duplicates)).toBe(repeats);

    const ready = await prometheus!.waitFor('lightbridge_ready', (samples) => single(samples) === 1, queryTimeoutMs);
    expect(single(ready)).toBe(1);
  }, testTimeoutMs);

  it('counts alerts consumed and classes', async () => {
    const decodable = files.filter((file) => file.candid !== undefined).length;
    const alerts = await prometheus!.waitFor('sum(lightbridge_alerts_consumed_total)', (samples) => single(samples) >= decodable, queryTimeoutMs);
    expect(single(alerts)).toBe(decodable);
    const classes = await prometheus!.waitFor(
      'sum(lightbridge_predicted_class_total)',
      (samples) => single(samples) >= distinctCandids(files).size,
      queryTimeoutMs,
    );
    expect(single(classes)).toBe(distinctCandids(files).size);
  }, testTimeoutMs);

  it('reports the light-curve stores', async () => {
    const objects = new Set(files.filter((file) => file.objectId !== undefined).map((file) => file.objectId!)).size;
    const stored = await prometheus!.waitFor('sum(lightbridge_lightcurve_store_objects)', (samples) => single(samples) >= objects, queryTimeoutMs);
    expect(single(stored)).toBe(objects);
    const sizes = await prometheus!.query('lightbridge_lightcurve_store_size_bytes');
    expect(sizes).toHaveLength(3);
    for (const size of sizes) expect(size.value, `store size of partition ${size.metric.partition}`).toBeGreaterThan(0);
  }, testTimeoutMs);

  it('reports zero lag once done', async () => {
    const lag = await prometheus!.waitFor('sum(lightbridge_consumer_lag_messages)', (samples) => single(samples) === 0, queryTimeoutMs);
    expect(single(lag)).toBe(0);
    const partitions = await prometheus!.query('lightbridge_consumer_lag_messages');
    expect(partitions).toHaveLength(3);
  }, testTimeoutMs);

  it('times every stage', async () => {
    const counts = await prometheus!.waitFor('sum by (stage) (lightbridge_stage_duration_seconds_count)', (samples) => samples.length === STAGES.length, queryTimeoutMs);
    for (const stage of STAGES) {
      const count = counts.find((sample) => sample.metric.stage === stage);
      expect(count?.value, `batches timed in stage ${stage}`).toBeGreaterThan(0);
    }
  }, testTimeoutMs);

  it('records latency and model', async () => {
    const kafkaLatency = await prometheus!.query('sum(lightbridge_latency_from_kafka_seconds_count)');
    expect(single(kafkaLatency)).toBe(distinctCandids(files).size);
    const info = await prometheus!.query('lightbridge_model_info');
    expect(info).toHaveLength(1);
    expect(info[0]!.metric.model_version).toMatch(/\S/);
    const load = await prometheus!.query('lightbridge_model_load_duration_seconds');
    expect(single(load)).toBeGreaterThan(0);
  });

  it('evaluates the recording rules', async () => {
    const rate = await prometheus!.waitFor(
      `job_topic:lightbridge_alerts_published:rate5m{topic="${config.outputTopic}"}`,
      (samples) => single(samples) > 0,
      queryTimeoutMs,
    );
    expect(rate[0]!.metric.job).toBe('lightbridge');
  }, testTimeoutMs);

  it('answers readyz and healthz', async () => {
    const ready = await fetch(`${service!.metricsUrl}/readyz`);
    const body = (await ready.json()) as { ready: boolean; checks: Record<string, boolean> };
    expect(ready.status).toBe(200);
    expect(body.checks).toEqual({ connected: true, partitionsAssigned: true, modelLoaded: true, stateRestored: true });
    const health = await fetch(`${service!.metricsUrl}/healthz`);
    expect(health.status).toBe(200);
  });

  it('closes the telemetry server on stop', async () => {
    const url = service!.metricsUrl!;
    await service!.stop();
    service = undefined;
    await expect(fetch(`${url}/healthz`)).rejects.toThrow();
  });
});
