import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

/** Prefix of every lightbridge metric, including the Node.js process metrics. */
export const METRIC_PREFIX = 'lightbridge_';

/** Pipeline stages timed by `lightbridge_stage_duration_seconds`, in processing order. */
export const STAGES = ['decode', 'state', 'features', 'gate', 'scoring', 'publish', 'commit'] as const;
export type Stage = (typeof STAGES)[number];

/**
 * Per-batch stage times, 100 µs to 10 s: a batch of a few alerts decodes in well under a
 * millisecond, and a commit waiting on a slow broker can take seconds.
 */
const STAGE_BUCKETS = [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/** From the Kafka message timestamp to publish: milliseconds when current, an hour when replaying a backlog. */
const KAFKA_LATENCY_BUCKETS = [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600, 1800, 3600];

/**
 * From the observation time (jd) to publish: ZTF delivers alerts minutes after the exposure, and
 * a replayed or delayed night arrives days later, so the buckets run from 10 s to 30 days.
 */
const OBSERVATION_LATENCY_BUCKETS = [10, 30, 60, 120, 300, 600, 1200, 1800, 3600, 7200, 21600, 43200, 86400, 172800, 604800, 2592000];

/** Input messages per processed batch (serve's batch size is configurable up to thousands). */
const BATCH_SIZE_BUCKETS = [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000];

/** A state restore replays a changelog partition: instant when current, minutes for millions of objects. */
const RESTORE_BUCKETS = [0.01, 0.05, 0.1, 0.5, 1, 5, 10, 30, 60, 120, 300, 600, 1800];

export type MetricType = 'counter' | 'gauge' | 'histogram';

/** One metric of the broker: the single source for the registry, the README table and the dashboard. */
export interface MetricDefinition {
  name: string;
  type: MetricType;
  help: string;
  labelNames: readonly string[];
  /** Upper bounds of histogram buckets, in the metric's unit. */
  buckets?: readonly number[];
}

/**
 * Every metric that createBrokerMetrics registers, besides the Node.js process metrics. Label
 * values are bounded sets (topics and partitions from the configuration, reasons and flags from
 * fixed lists, classes from the model): an objectId or candid is never a label.
 */
export const METRICS = {
  messagesConsumed: {
    name: 'lightbridge_messages_consumed_total',
    type: 'counter',
    help: 'Kafka messages read from an input topic.',
    labelNames: ['topic'],
  },
  alertsConsumed: {
    name: 'lightbridge_alerts_consumed_total',
    type: 'counter',
    help: 'Alerts decoded from input messages (one ZTF message carries one alert).',
    labelNames: ['topic'],
  },
  alertsPublished: {
    name: 'lightbridge_alerts_published_total',
    type: 'counter',
    help: 'Classification records acknowledged by Kafka, per output or filter topic.',
    labelNames: ['topic'],
  },
  alertsRejected: {
    name: 'lightbridge_alerts_rejected_total',
    type: 'counter',
    help: 'Input messages or alerts that failed decoding or processing, by reason (a decoder reject reason, empty or processing-failed).',
    labelNames: ['reason'],
  },
  deadLetters: {
    name: 'lightbridge_dead_letters_total',
    type: 'counter',
    help: 'Messages acknowledged on the dead-letter topic, by reason.',
    labelNames: ['reason'],
  },
  duplicates: {
    name: 'lightbridge_duplicate_alerts_total',
    type: 'counter',
    help: 'Alerts dropped because the light curve already contains their candid.',
    labelNames: ['topic'],
  },
  stageDuration: {
    name: 'lightbridge_stage_duration_seconds',
    type: 'histogram',
    help: 'Time one batch spends in a processing stage (decode, state, features, gate, scoring, publish, commit).',
    labelNames: ['stage'],
    buckets: STAGE_BUCKETS,
  },
  latencyFromObservation: {
    name: 'lightbridge_latency_from_observation_seconds',
    type: 'histogram',
    help: "Time from an alert's observation (jd of the triggering detection) to the publish of its record.",
    labelNames: [],
    buckets: OBSERVATION_LATENCY_BUCKETS,
  },
  latencyFromKafka: {
    name: 'lightbridge_latency_from_kafka_seconds',
    type: 'histogram',
    help: "Time from the input message's Kafka timestamp to the publish of its record.",
    labelNames: [],
    buckets: KAFKA_LATENCY_BUCKETS,
  },
  consumerLag: {
    name: 'lightbridge_consumer_lag_messages',
    type: 'gauge',
    help: 'Messages not yet committed: high watermark minus committed offset of an input partition.',
    labelNames: ['topic', 'partition'],
  },
  lastProcessedTimestamp: {
    name: 'lightbridge_last_processed_kafka_timestamp_seconds',
    type: 'gauge',
    help: 'Kafka timestamp of the last processed message of an input partition, in Unix seconds.',
    labelNames: ['topic', 'partition'],
  },
  batchSize: {
    name: 'lightbridge_batch_size_messages',
    type: 'histogram',
    help: 'Input messages per processed batch.',
    labelNames: [],
    buckets: BATCH_SIZE_BUCKETS,
  },
  storeSize: {
    name: 'lightbridge_lightcurve_store_size_bytes',
    type: 'gauge',
    help: 'Size on disk of the light-curve store of an input partition.',
    labelNames: ['partition'],
  },
  storeObjects: {
    name: 'lightbridge_lightcurve_store_objects',
    type: 'gauge',
    help: 'Objects (light curves) held in the store of an input partition.',
    labelNames: ['partition'],
  },
  modelInfo: {
    name: 'lightbridge_model_info',
    type: 'gauge',
    help: 'Always 1, labelled with the loaded model; one series at a time.',
    labelNames: ['model_version', 'feature_version', 'method'],
  },
  modelLoadDuration: {
    name: 'lightbridge_model_load_duration_seconds',
    type: 'gauge',
    help: 'Time the last successful model load took.',
    labelNames: [],
  },
  modelReloads: {
    name: 'lightbridge_model_reloads_total',
    type: 'counter',
    help: 'Successful model reloads after the first load.',
    labelNames: [],
  },
  modelReloadFailures: {
    name: 'lightbridge_model_reload_failures_total',
    type: 'counter',
    help: 'Model reloads that failed; the previous model stays in use.',
    labelNames: [],
  },
  predictedClasses: {
    name: 'lightbridge_predicted_class_total',
    type: 'counter',
    help: 'Published records by predicted class; class is "none" when the quality gate kept the alert from the model.',
    labelNames: ['class'],
  },
  qualityFlags: {
    name: 'lightbridge_quality_flags_total',
    type: 'counter',
    help: 'Quality flags set on published records, one count per flag.',
    labelNames: ['flag'],
  },
  restoreDuration: {
    name: 'lightbridge_state_restore_duration_seconds',
    type: 'histogram',
    help: 'Time to bring the light-curve store of an assigned partition up to date with its changelog.',
    labelNames: [],
    buckets: RESTORE_BUCKETS,
  },
  ready: {
    name: 'lightbridge_ready',
    type: 'gauge',
    help: '1 while every readiness check of /readyz passes (connected, partitions assigned, model loaded, state restored), else 0; updated every second.',
    labelNames: [],
  },
  restoredObjects: {
    name: 'lightbridge_state_restored_objects_total',
    type: 'counter',
    help: 'Light curves read from the changelog during restores.',
    labelNames: [],
  },
} as const satisfies Record<string, MetricDefinition>;

export type MetricKey = keyof typeof METRICS;

type LabelsOf<K extends MetricKey> = (typeof METRICS)[K]['labelNames'][number];

type HandleOf<K extends MetricKey> = (typeof METRICS)[K]['type'] extends 'counter'
  ? Counter<LabelsOf<K>>
  : (typeof METRICS)[K]['type'] extends 'gauge'
    ? Gauge<LabelsOf<K>>
    : Histogram<LabelsOf<K>>;

/** Typed prom-client handles for every metric in METRICS, plus the registry that serves them. */
export type BrokerMetrics = { readonly [K in MetricKey]: HandleOf<K> } & { readonly registry: Registry };

/**
 * Registers the broker's metrics and the Node.js process metrics (prefixed `lightbridge_`) on
 * `registry`. Each registry takes one call: a second one throws because the names are taken.
 */
export function createBrokerMetrics(registry: Registry = new Registry()): BrokerMetrics {
  const handles: Record<string, Counter<string> | Gauge<string> | Histogram<string>> = {};
  for (const [key, definition] of Object.entries(METRICS) as [MetricKey, MetricDefinition][]) {
    handles[key] = createMetric(definition, registry);
  }

  collectDefaultMetrics({ register: registry, prefix: METRIC_PREFIX });
  return { ...handles, registry } as BrokerMetrics;
}

function createMetric(definition: MetricDefinition, registry: Registry): Counter<string> | Gauge<string> | Histogram<string> {
  const common = { name: definition.name, help: definition.help, labelNames: [...definition.labelNames], registers: [registry] };
  switch (definition.type) {
    case 'counter':
      return new Counter(common);
    case 'gauge':
      return new Gauge(common);
    case 'histogram':
      return new Histogram({ ...common, buckets: [...(definition.buckets ?? [])] });
  }
}

/** The loaded model, as labelled on `lightbridge_model_info`. */
export interface ModelInfo {
  modelVersion: string;
  featureVersion: string;
  method: string;
}

/** Sets `lightbridge_model_info` to the given model, removing the series of the previous one. */
export function setModelInfo(metrics: BrokerMetrics, model: ModelInfo): void {
  metrics.modelInfo.reset();
  metrics.modelInfo.set({ model_version: model.modelVersion, feature_version: model.featureVersion, method: model.method }, 1);
}

/**
 * Sets `lightbridge_consumer_lag_messages` from Kafka offsets, which kafkajs returns as decimal
 * strings. A committed offset of -1 (none yet) counts the whole partition as lag from offset 0;
 * pass the log start offset as `committedOffset` when the group starts from the earliest message.
 */
export function setConsumerLag(metrics: BrokerMetrics, topic: string, partition: number, highWatermark: string, committedOffset: string): void {
  const high = BigInt(highWatermark);
  const committed = BigInt(committedOffset) < 0n ? 0n : BigInt(committedOffset);
  const lag = high > committed ? high - committed : 0n;
  metrics.consumerLag.set({ topic, partition: String(partition) }, Number(lag));
}

/**
 * Seconds from `mjd` (the alert's observation time: jd − 2400000.5, as in ClassificationRecord's
 * alertMjd) to `nowMs` (Unix milliseconds). MJD 40587 is the Unix epoch.
 */
export function secondsSinceMjd(mjd: number, nowMs: number = Date.now()): number {
  return nowMs / 1000 - (mjd - 40587) * 86400;
}

/**
 * Starts a timer for one stage of one batch; calling the returned function records the elapsed
 * time in `lightbridge_stage_duration_seconds` and returns it in seconds.
 */
export function startStageTimer(metrics: BrokerMetrics, stage: Stage): () => number {
  return metrics.stageDuration.startTimer({ stage });
}
