import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { createBrokerMetrics, METRICS, secondsSinceMjd, setConsumerLag, setModelInfo, STAGES } from '../src/metrics.ts';

/** Returns the value of one sample line of the text format, or undefined when absent. */
async function sample(registry: Registry, series: string): Promise<number | undefined> {
  const text = await registry.metrics();
  const line = text.split('\n').find((entry) => entry.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

describe('createBrokerMetrics', () => {
  it('registers every defined metric', async () => {
    const metrics = createBrokerMetrics();
    const names = (await metrics.registry.getMetricsAsJSON()).map((metric) => metric.name);
    for (const definition of Object.values(METRICS)) {
      expect(names, definition.name).toContain(definition.name);
    }
  });

  it('adds process metrics with the prefix', async () => {
    const metrics = createBrokerMetrics();
    const names = (await metrics.registry.getMetricsAsJSON()).map((metric) => metric.name);
    expect(names).toContain('lightbridge_process_cpu_seconds_total');
    expect(names).toContain('lightbridge_nodejs_heap_size_used_bytes');
  });

  it('uses the given registry', async () => {
    const registry = new Registry();
    const metrics = createBrokerMetrics(registry);
    metrics.alertsPublished.inc({ topic: 'out' }, 3);
    expect(metrics.registry).toBe(registry);
    expect(await sample(registry, 'lightbridge_alerts_published_total{topic="out"}')).toBe(3);
  });

  it('rejects a second call on one registry', () => {
    const registry = new Registry();
    createBrokerMetrics(registry);
    expect(() => createBrokerMetrics(registry)).toThrow(/already been registered/);
  });

  it('counts per label value', async () => {
    const metrics = createBrokerMetrics();
    metrics.deadLetters.inc({ reason: 'truncated' });
    metrics.deadLetters.inc({ reason: 'truncated' });
    metrics.deadLetters.inc({ reason: 'not-avro' });
    expect(await sample(metrics.registry, 'lightbridge_dead_letters_total{reason="truncated"}')).toBe(2);
    expect(await sample(metrics.registry, 'lightbridge_dead_letters_total{reason="not-avro"}')).toBe(1);
  });
});

describe('metric definitions', () => {
  const definitions = Object.values(METRICS);

  it('names follow Prometheus conventions', () => {
    for (const definition of definitions) {
      expect(definition.name, definition.name).toMatch(/^lightbridge_[a-z][a-z0-9_]*$/);
      if (definition.type === 'counter') expect(definition.name, definition.name).toMatch(/_total$/);
      if (definition.type !== 'counter') expect(definition.name, definition.name).not.toMatch(/_total$/);
    }
  });

  it('names are unique', () => {
    const names = definitions.map((definition) => definition.name);
    expect(new Set(names).size).toBe(names.length);
  });

  it('labels never name an object', () => {
    for (const definition of definitions) {
      for (const label of definition.labelNames) {
        expect(label, definition.name).not.toMatch(/object|candid|id$/i);
      }
    }
  });

  it('histograms have increasing buckets', () => {
    for (const definition of definitions.filter((entry) => entry.type === 'histogram')) {
      const buckets = 'buckets' in definition ? definition.buckets : [];
      expect(buckets.length, definition.name).toBeGreaterThan(3);
      for (let i = 1; i < buckets.length; i++) expect(buckets[i], definition.name).toBeGreaterThan(buckets[i - 1]!);
    }
  });

  it('stage buckets span 100 µs to 10 s', () => {
    expect(METRICS.stageDuration.buckets[0]).toBe(0.0001);
    expect(METRICS.stageDuration.buckets.at(-1)).toBe(10);
  });

  it('observation latency buckets reach days', () => {
    expect(METRICS.latencyFromObservation.buckets.at(-1)).toBeGreaterThanOrEqual(7 * 86400);
  });
});

describe('stage timer', () => {
  it('observes each stage separately', async () => {
    const metrics = createBrokerMetrics();
    for (const stage of STAGES) metrics.stageDuration.observe({ stage }, 0.002);
    metrics.stageDuration.observe({ stage: 'scoring' }, 0.5);
    expect(await sample(metrics.registry, 'lightbridge_stage_duration_seconds_count{stage="decode"}')).toBe(1);
    expect(await sample(metrics.registry, 'lightbridge_stage_duration_seconds_count{stage="scoring"}')).toBe(2);
    expect(await sample(metrics.registry, 'lightbridge_stage_duration_seconds_bucket{le="0.0025",stage="scoring"}')).toBe(1);
  });
});

describe('setModelInfo', () => {
  it('keeps only the current model', async () => {
    const metrics = createBrokerMetrics();
    setModelInfo(metrics, { modelVersion: 'v1', featureVersion: 'ztf-1', method: 'source-only' });
    setModelInfo(metrics, { modelVersion: 'v2', featureVersion: 'ztf-1', method: 'dann' });
    const text = await metrics.registry.metrics();
    expect(text).toContain('lightbridge_model_info{model_version="v2",feature_version="ztf-1",method="dann"} 1');
    expect(text).not.toContain('model_version="v1"');
  });
});

describe('setConsumerLag', () => {
  it('subtracts the committed offset', async () => {
    const metrics = createBrokerMetrics();
    setConsumerLag(metrics, 'ztf', 3, '120', '100');
    expect(await sample(metrics.registry, 'lightbridge_consumer_lag_messages{topic="ztf",partition="3"}')).toBe(20);
  });

  it('counts all messages before a first commit', async () => {
    const metrics = createBrokerMetrics();
    setConsumerLag(metrics, 'ztf', 0, '42', '-1');
    expect(await sample(metrics.registry, 'lightbridge_consumer_lag_messages{topic="ztf",partition="0"}')).toBe(42);
  });

  it('never goes below zero', async () => {
    const metrics = createBrokerMetrics();
    setConsumerLag(metrics, 'ztf', 1, '10', '12');
    expect(await sample(metrics.registry, 'lightbridge_consumer_lag_messages{topic="ztf",partition="1"}')).toBe(0);
  });
});

describe('secondsSinceMjd', () => {
  it('is zero at the Unix epoch', () => {
    expect(secondsSinceMjd(40587, 0)).toBe(0);
  });

  it('counts one day per MJD unit', () => {
    expect(secondsSinceMjd(60000, (60001 - 40587) * 86_400_000)).toBeCloseTo(86400, 3);
  });
});
