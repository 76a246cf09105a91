import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createBrokerMetrics } from '../../packages/telemetry/src/metrics.ts';
import { buildDashboard, renderDashboard } from '../../packages/telemetry/src/metrics-dashboard.ts';

const dashboardFile = new URL('../../deploy/grafana/dashboards/lightbridge.json', import.meta.url);
const rulesFile = new URL('../../deploy/prometheus/rules/lightbridge.rules.yml', import.meta.url);

/** Recording rule names (level:metric:operation, or lightbridge:name). */
const RECORDED = /\b[a-z_]+:lightbridge_[a-z0-9_]+:[a-z0-9_]+\b|\blightbridge:[a-z0-9_]+\b/g;
const RAW = /\blightbridge_[a-z0-9_]+\b/g;

/** Series names the telemetry package exposes, with the _bucket, _sum and _count series of histograms. */
async function exposedNames(): Promise<Set<string>> {
  const metrics = createBrokerMetrics();
  const names = new Set<string>();
  for (const metric of await metrics.registry.getMetricsAsJSON()) {
    names.add(metric.name);
    const type = String(metric.type);
    if (type === 'histogram' || type === 'summary') {
      for (const suffix of ['_bucket', '_sum', '_count']) names.add(`${metric.name}${suffix}`);
    }
  }
  return names;
}

/** Splits PromQL texts into recording rule references and raw metric references. */
function references(texts: string[]): { recorded: Set<string>; raw: Set<string> } {
  const recorded = new Set<string>();
  const raw = new Set<string>();
  for (const text of texts) {
    for (const match of text.matchAll(RECORDED)) recorded.add(match[0]);
    for (const match of text.replaceAll(RECORDED, ' ').matchAll(RAW)) raw.add(match[0]);
  }
  return { recorded, raw };
}

/** Collects every query text of the dashboard: panel targets and variable queries. */
function dashboardQueries(node: unknown, found: string[] = []): string[] {
  if (Array.isArray(node)) {
    for (const item of node) dashboardQueries(item, found);
  } else if (node !== null && typeof node === 'object') {
    for (const [key, value] of Object.entries(node)) {
      if ((key === 'expr' || key === 'query' || key === 'definition') && typeof value === 'string') found.push(value);
      else dashboardQueries(value, found);
    }
  }
  return found;
}

/** The rules file without comments and alert texts, which mention no metric. */
function ruleExpressions(): string {
  return readFileSync(rulesFile, 'utf8')
    .split('\n')
    .filter((line) => !/^\s*(#|summary:|description:)/.test(line))
    .join('\n');
}

function definedRecordingRules(): Set<string> {
  const text = readFileSync(rulesFile, 'utf8');
  return new Set([...text.matchAll(/^\s*- record:\s*(\S+)\s*$/gm)].map((match) => match[1]!));
}

describe('grafana dashboard', () => {
  it('matches the committed JSON', () => {
    // On failure run: pnpm dashboard
    expect(readFileSync(dashboardFile, 'utf8')).toBe(renderDashboard());
  });

  it('queries only defined metrics', async () => {
    const names = await exposedNames();
    const { raw } = references(dashboardQueries(buildDashboard()));
    expect(raw.size).toBeGreaterThan(0);
    for (const name of raw) expect(names, name).toContain(name);
  });

  it('queries only defined recording rules', () => {
    const rules = definedRecordingRules();
    const { recorded } = references(dashboardQueries(buildDashboard()));
    expect(recorded.size).toBeGreaterThan(5);
    for (const name of recorded) expect(rules, name).toContain(name);
  });

  it('has the operator panels', () => {
    const titles = (buildDashboard().panels ?? []).map((panel) => panel.title);
    for (const title of [
      'Throughput in and out',
      'Consumer lag per partition',
      'Latency from Kafka timestamp',
      'Stage time breakdown',
      'Rejects and dead letters by reason',
      'Class mix',
      'Model version',
    ]) {
      expect(titles).toContain(title);
    }
  });
});

describe('prometheus rules', () => {
  it('use only defined metrics', async () => {
    const names = await exposedNames();
    const { raw } = references([ruleExpressions()]);
    expect(raw.size).toBeGreaterThan(10);
    for (const name of raw) expect(names, name).toContain(name);
  });

  it('use only defined recording rules', () => {
    const rules = definedRecordingRules();
    const { recorded } = references([ruleExpressions()]);
    for (const name of recorded) expect(rules, name).toContain(name);
  });
});

describe('metric reference check', () => {
  it('finds an undefined metric', async () => {
    const names = await exposedNames();
    const { raw } = references(['sum(rate(lightbridge_alerts_consumd_total[5m]))']);
    expect([...raw]).toEqual(['lightbridge_alerts_consumd_total']);
    expect(names.has('lightbridge_alerts_consumd_total')).toBe(false);
  });

  it('separates recording rules from metrics', () => {
    const { recorded, raw } = references(['job:lightbridge_latency_from_kafka_seconds:p95_5m > 60 and on () lightbridge:observing_hours']);
    expect([...recorded].sort()).toEqual(['job:lightbridge_latency_from_kafka_seconds:p95_5m', 'lightbridge:observing_hours']);
    expect(raw.size).toBe(0);
  });
});
