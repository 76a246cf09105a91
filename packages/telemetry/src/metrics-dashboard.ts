// The Grafana dashboard of lightbridge serve, built with @grafana/grafana-foundation-sdk from the
// metric definitions, so a renamed or removed metric breaks the type check or the dashboard test.
// `pnpm dashboard` writes it to deploy/grafana/dashboards/lightbridge.json.

import { BigValueTextMode, LegendDisplayMode, LegendPlacement, StackingMode, VizLegendOptionsBuilder, StackingConfigBuilder } from '@grafana/grafana-foundation-sdk/common';
import {
  type Dashboard,
  DashboardBuilder,
  type DataSourceRef,
  DatasourceVariableBuilder,
  QueryVariableBuilder,
  RowBuilder,
  VariableRefresh,
} from '@grafana/grafana-foundation-sdk/dashboard';
import { DataqueryBuilder } from '@grafana/grafana-foundation-sdk/prometheus';
import { PanelBuilder as StatPanelBuilder } from '@grafana/grafana-foundation-sdk/stat';
import { PanelBuilder as TimeseriesPanelBuilder } from '@grafana/grafana-foundation-sdk/timeseries';
import { type MetricDefinition, METRICS } from './metrics.ts';

export const DASHBOARD_UID = 'lightbridge-serve';

const DATASOURCE: DataSourceRef = { type: 'prometheus', uid: '${datasource}' };

/** The job filter every query carries; the job variable lists the scraped lightbridge jobs. */
const JOB = 'job=~"$job"';

/**
 * Returns the name of a recording rule in deploy/prometheus/rules, following Prometheus'
 * level:metric:operations convention (a counter's rate drops the _total suffix).
 */
export function recordedName(level: string, metric: MetricDefinition, operation: string): string {
  const base = metric.type === 'counter' ? metric.name.replace(/_total$/, '') : metric.name;
  return `${level}:${base}:${operation}`;
}

function query(expr: string, legend: string): DataqueryBuilder {
  return new DataqueryBuilder().expr(expr).legendFormat(legend).datasource(DATASOURCE);
}

function timeseries(title: string, description: string, unit: string): TimeseriesPanelBuilder {
  return new TimeseriesPanelBuilder()
    .title(title)
    .description(description)
    .unit(unit)
    .datasource(DATASOURCE)
    .min(0)
    .span(12)
    .height(8)
    .legend(new VizLegendOptionsBuilder().showLegend(true).displayMode(LegendDisplayMode.List).placement(LegendPlacement.Bottom));
}

function stacked(panel: TimeseriesPanelBuilder, mode: StackingMode): TimeseriesPanelBuilder {
  return panel.stacking(new StackingConfigBuilder().mode(mode)).fillOpacity(30);
}

function throughputPanel(): TimeseriesPanelBuilder {
  return timeseries('Throughput in and out', 'Messages read per input topic and records published per output topic, 5 min rate.', 'cps')
    .withTarget(query(`sum by (topic) (${recordedName('job_topic', METRICS.messagesConsumed, 'rate5m')}{${JOB}})`, 'in {{topic}}'))
    .withTarget(query(`sum by (topic) (${recordedName('job_topic', METRICS.alertsPublished, 'rate5m')}{${JOB}})`, 'out {{topic}}'));
}

function lagPanel(): TimeseriesPanelBuilder {
  return timeseries('Consumer lag per partition', 'High watermark minus committed offset of each input partition.', 'short').withTarget(
    query(`sum by (topic, partition) (${recordedName('job_topic_partition', METRICS.consumerLag, 'sum')}{${JOB}})`, '{{topic}}/{{partition}}'),
  );
}

function kafkaLatencyPanel(): TimeseriesPanelBuilder {
  const panel = timeseries('Latency from Kafka timestamp', 'Percentiles of the time from the input message timestamp to publish; the alert budget is p95 below 60 s.', 's');
  for (const percentile of ['p50', 'p95', 'p99']) {
    panel.withTarget(query(`max(${recordedName('job', METRICS.latencyFromKafka, `${percentile}_5m`)}{${JOB}})`, percentile));
  }
  return panel;
}

function observationLatencyPanel(): TimeseriesPanelBuilder {
  const panel = timeseries('Latency from observation', 'Percentiles of the time from the exposure (jd) to publish; replays show days.', 's');
  for (const percentile of ['p50', 'p95']) {
    panel.withTarget(query(`max(${recordedName('job', METRICS.latencyFromObservation, `${percentile}_5m`)}{${JOB}})`, percentile));
  }
  return panel;
}

function stagePanel(): TimeseriesPanelBuilder {
  const panel = timeseries('Stage time breakdown', 'Seconds per second spent in each stage, summed over instances: 1 means one instance busy all the time.', 's');
  return stacked(panel, StackingMode.Normal).withTarget(query(`sum by (stage) (${recordedName('job_stage', METRICS.stageDuration, 'rate5m')}{${JOB}})`, '{{stage}}'));
}

function rejectPanel(): TimeseriesPanelBuilder {
  return timeseries('Rejects and dead letters by reason', 'Messages or alerts rejected, and messages written to the dead-letter topic, per second.', 'cps')
    .withTarget(query(`sum by (reason) (${recordedName('job_reason', METRICS.alertsRejected, 'rate5m')}{${JOB}})`, 'rejected {{reason}}'))
    .withTarget(query(`sum by (reason) (${recordedName('job_reason', METRICS.deadLetters, 'rate5m')}{${JOB}})`, 'dead letter {{reason}}'))
    .withTarget(query(`sum(${recordedName('job', METRICS.duplicates, 'rate5m')}{${JOB}})`, 'duplicates'));
}

function classMixPanel(): TimeseriesPanelBuilder {
  const panel = timeseries('Class mix', 'Share of published records per predicted class ("none" when the quality gate kept the alert from the model).', 'percentunit');
  return stacked(panel, StackingMode.Percent).withTarget(query(`sum by (class) (${recordedName('job_class', METRICS.predictedClasses, 'rate5m')}{${JOB}})`, '{{class}}'));
}

function flagPanel(): TimeseriesPanelBuilder {
  return timeseries('Quality flags', 'Quality flags set on published records, per second.', 'cps').withTarget(
    query(`sum by (flag) (${recordedName('job_flag', METRICS.qualityFlags, 'rate5m')}{${JOB}})`, '{{flag}}'),
  );
}

function modelPanel(): StatPanelBuilder {
  return new StatPanelBuilder()
    .title('Model version')
    .description('Model loaded by each instance; more than one line means instances disagree.')
    .datasource(DATASOURCE)
    .textMode(BigValueTextMode.Name)
    .span(12)
    .height(4)
    .withTarget(
      query(`count by (model_version, feature_version, method) (${METRICS.modelInfo.name}{${JOB}})`, '{{model_version}} (features {{feature_version}}, {{method}})').instant(),
    );
}

function modelReloadPanel(): StatPanelBuilder {
  return new StatPanelBuilder()
    .title('Model reload failures (24 h)')
    .description('Failed model reloads over the last day; the previous model stays in use after a failure.')
    .datasource(DATASOURCE)
    .span(12)
    .height(4)
    .withTarget(query(`sum(increase(${METRICS.modelReloadFailures.name}{${JOB}}[24h]))`, 'failures').instant());
}

/** Builds the dashboard object. */
export function buildDashboard(): Dashboard {
  return new DashboardBuilder('lightbridge serve')
    .uid(DASHBOARD_UID)
    .description('Throughput, lag, latency and classification mix of lightbridge serve instances.')
    .tags(['lightbridge', 'generated'])
    .refresh('30s')
    .time({ from: 'now-6h', to: 'now' })
    .timezone('utc')
    .editable()
    .withVariable(new DatasourceVariableBuilder('datasource').label('Data source').type('prometheus'))
    .withVariable(
      new QueryVariableBuilder('job')
        .label('Job')
        .datasource(DATASOURCE)
        .query(`label_values(${METRICS.messagesConsumed.name}, job)`)
        .definition(`label_values(${METRICS.messagesConsumed.name}, job)`)
        .refresh(VariableRefresh.OnTimeRangeChanged)
        .includeAll(true)
        .allValue('.*')
        .multi(true),
    )
    .withRow(new RowBuilder('Flow'))
    .withPanel(throughputPanel())
    .withPanel(lagPanel())
    .withRow(new RowBuilder('Latency'))
    .withPanel(kafkaLatencyPanel())
    .withPanel(observationLatencyPanel())
    .withPanel(stagePanel())
    .withPanel(rejectPanel())
    .withRow(new RowBuilder('Classification'))
    .withPanel(classMixPanel())
    .withPanel(flagPanel())
    .withPanel(modelPanel())
    .withPanel(modelReloadPanel())
    .build();
}

/** Returns the dashboard as the JSON text committed in deploy/grafana/dashboards. */
export function renderDashboard(): string {
  return `${JSON.stringify(buildDashboard(), null, 2)}\n`;
}
