import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fileURLToPath } from 'node:url';
import { createBrokerMetrics, setModelInfo, startTelemetryServer, type TelemetryServer } from '@lightbridge/telemetry';
import { prometheusAvailable, startPrometheus, type PrometheusHandle } from '../support/prometheus.ts';

const rulesFile = fileURLToPath(new URL('../../deploy/prometheus/rules/lightbridge.rules.yml', import.meta.url));

function available(): boolean {
  if (prometheusAvailable()) return true;
  if (process.env.CI === 'true') {
    throw new Error('prometheus is missing under CI=true; install it with: bash deploy/prometheus/install.sh');
  }
  console.warn('skipping: prometheus is missing; install it with: bash deploy/prometheus/install.sh');
  return false;
}

describe.runIf(available())('telemetry scraped by Prometheus', () => {
  const metrics = createBrokerMetrics();
  let server: TelemetryServer;
  let prometheus: PrometheusHandle | undefined;

  beforeAll(async () => {
    metrics.messagesConsumed.inc({ topic: 'ztf_20240101_programid1' }, 17);
    metrics.alertsPublished.inc({ topic: 'lightbridge.classifications' }, 15);
    metrics.deadLetters.inc({ reason: 'truncated' }, 2);
    metrics.stageDuration.observe({ stage: 'scoring' }, 0.004);
    setModelInfo(metrics, { modelVersion: 'ztf-bts-v1', featureVersion: 'ztf-1', method: 'source-only' });
    server = await startTelemetryServer({ port: 0, registry: metrics.registry, readiness: () => ({ ready: true, checks: { connected: true } }) });
    prometheus = await startPrometheus({ scrapeTargets: [`127.0.0.1:${server.port}`], ruleFiles: [rulesFile] });
  });

  afterAll(async () => {
    await prometheus?.stop();
    await server?.close();
  });

  it('scrapes the target', async () => {
    const up = await prometheus!.waitFor('up{job="lightbridge"}', (samples) => samples.length === 1 && samples[0]!.value === 1);
    expect(up[0]!.metric.instance).toBe(`127.0.0.1:${server.port}`);
  });

  it('receives counter values', async () => {
    const consumed = await prometheus!.waitFor('lightbridge_messages_consumed_total', (samples) => samples.length > 0);
    expect(consumed).toHaveLength(1);
    expect(consumed[0]!.metric.topic).toBe('ztf_20240101_programid1');
    expect(consumed[0]!.value).toBe(17);
  });

  it('receives later increments', async () => {
    metrics.deadLetters.inc({ reason: 'truncated' }, 3);
    const deadLetters = await prometheus!.waitFor('lightbridge_dead_letters_total{reason="truncated"}', (samples) => samples[0]?.value === 5);
    expect(deadLetters[0]!.value).toBe(5);
  });

  it('receives the model info', async () => {
    const info = await prometheus!.waitFor('lightbridge_model_info', (samples) => samples.length > 0);
    expect(info[0]!.metric.model_version).toBe('ztf-bts-v1');
    expect(info[0]!.value).toBe(1);
  });

  it('receives histogram buckets', async () => {
    const count = await prometheus!.waitFor('lightbridge_stage_duration_seconds_bucket{stage="scoring",le="0.005"}', (samples) => samples.length > 0);
    expect(count[0]!.value).toBe(1);
  });

  it('evaluates the recording rules', async () => {
    const rate = await prometheus!.waitFor('job_topic:lightbridge_messages_consumed:rate5m', (samples) => samples.length > 0);
    expect(rate).toHaveLength(1);
    expect(rate[0]!.metric.topic).toBe('ztf_20240101_programid1');
    expect(rate[0]!.metric.job).toBe('lightbridge');
  });

  it('rejects an invalid query', async () => {
    await expect(prometheus!.query('sum(')).rejects.toThrow(/query sum\( failed/);
  });
});
