import type { Batch, TopicMessages } from 'kafkajs';
import type { RejectReason } from '@lightbridge/alerts';
import { QUALITY_FLAGS } from '@lightbridge/gate';
import type { ModelManifest } from '@lightbridge/model';
import { type BrokerMetrics, createBrokerMetrics, secondsSinceMjd, setConsumerLag, setModelInfo } from '@lightbridge/telemetry';
import type { BatchOutput } from './batch.ts';
import type { RestoreResult } from './changelog.ts';
import type { PartitionStore } from './partition-store.ts';

/** Label value of `lightbridge_predicted_class_total` for records the quality gate kept from the model. */
export const NO_CLASS = 'none';

/**
 * Reasons of rejects and dead letters: every decoder reject reason (the Record type makes the
 * compiler list a new one here), and the reasons that processBatch adds.
 */
export const REJECT_REASONS: readonly string[] = [
  ...Object.keys({
    empty: 0,
    truncated: 0,
    'not-avro': 0,
    'unsupported-codec': 0,
    'invalid-schema': 0,
    'corrupt-block': 0,
    'unknown-schema': 0,
    'missing-field': 0,
    'invalid-value': 0,
    'too-large': 0,
  } satisfies Record<RejectReason, 0>),
  'unreadable',
  'processing-failed',
];

/** Topics whose counters serve creates at 0 when it starts. */
export interface ServeTopics {
  inputTopics: readonly string[];
  /** Output and filter topics. */
  publishTopics: readonly string[];
}

/**
 * Records what `serve` does in the broker metrics of one service instance. Each instance has
 * its own prom-client registry, so two services in one process never share counts.
 */
export class ServeMetrics {
  readonly metrics: BrokerMetrics;
  private publishTopics = new Set<string>();

  constructor(metrics: BrokerMetrics = createBrokerMetrics()) {
    this.metrics = metrics;
  }

  /**
   * Creates the per-topic, per-reason, per-class and per-flag counters at 0, so that alert rules
   * and rates see a series before the first event. A counter with labels appears only after its
   * first inc, and rate() cannot count the increase to a series' first sample.
   */
  initialise(topics: ServeTopics, classes: readonly string[]): void {
    const m = this.metrics;
    this.publishTopics = new Set(topics.publishTopics);
    for (const topic of topics.inputTopics) {
      m.messagesConsumed.inc({ topic }, 0);
      m.alertsConsumed.inc({ topic }, 0);
      m.duplicates.inc({ topic }, 0);
    }
    for (const topic of topics.publishTopics) m.alertsPublished.inc({ topic }, 0);
    for (const reason of REJECT_REASONS) {
      m.alertsRejected.inc({ reason }, 0);
      m.deadLetters.inc({ reason }, 0);
    }
    for (const name of [...classes, NO_CLASS]) m.predictedClasses.inc({ class: name }, 0);
    for (const flag of QUALITY_FLAGS) m.qualityFlags.inc({ flag }, 0);
  }

  modelLoaded(manifest: ModelManifest, seconds: number): void {
    setModelInfo(this.metrics, manifest);
    this.metrics.modelLoadDuration.set(seconds);
  }

  modelReloaded(manifest: ModelManifest, seconds: number): void {
    this.modelLoaded(manifest, seconds);
    this.metrics.modelReloads.inc();
  }

  modelReloadFailed(): void {
    this.metrics.modelReloadFailures.inc();
  }

  restored(result: RestoreResult): void {
    this.metrics.restoreDuration.observe(result.seconds);
    this.metrics.restoredObjects.inc(result.records);
  }

  /** Counts the messages of a chunk as it is read, before processing; a retried chunk counts again. */
  chunkRead(topic: string, messageCount: number): void {
    this.metrics.messagesConsumed.inc({ topic }, messageCount);
    this.metrics.batchSize.observe(messageCount);
  }

  /** Records the decoded alerts, rejects and pre-delivery stage times of a processed chunk. */
  chunkProcessed(topic: string, output: BatchOutput): void {
    const m = this.metrics;
    m.alertsConsumed.inc({ topic }, output.alertsDecoded);
    for (const deadLetter of output.deadLetters) m.alertsRejected.inc({ reason: deadLetter.reason });

    const stages = output.stageSeconds;
    m.stageDuration.observe({ stage: 'decode' }, stages.decode);
    m.stageDuration.observe({ stage: 'state' }, stages.state);
    m.stageDuration.observe({ stage: 'features' }, stages.features);
    m.stageDuration.observe({ stage: 'gate' }, stages.gate);
    m.stageDuration.observe({ stage: 'scoring' }, stages.scoring);
  }

  deliveryStage(stage: 'publish' | 'commit', seconds: number): void {
    this.metrics.stageDuration.observe({ stage }, seconds);
  }

  /**
   * Records a chunk whose messages Kafka acknowledged and whose offset is committed: published
   * records per topic, dead letters, duplicates, classes, flags, latencies and the partition's lag.
   */
  chunkDelivered(batch: Batch, lastMessage: Batch['messages'][number], output: BatchOutput, sent: readonly TopicMessages[], nowMs: number): void {
    const m = this.metrics;
    for (const { topic, messages } of sent) {
      if (this.publishTopics.has(topic)) m.alertsPublished.inc({ topic }, messages.length);
    }
    for (const deadLetter of output.deadLetters) m.deadLetters.inc({ reason: deadLetter.reason });
    if (output.duplicates.length > 0) m.duplicates.inc({ topic: batch.topic }, output.duplicates.length);

    for (const { record, kafkaTimestampMs } of output.published) {
      m.predictedClasses.inc({ class: record.predictedClass ?? NO_CLASS });
      for (const flag of record.flags) m.qualityFlags.inc({ flag });
      // A simulated night in the future or a clock behind the survey's gives a negative time; it counts as 0.
      m.latencyFromObservation.observe(Math.max(0, secondsSinceMjd(record.alertMjd, nowMs)));
      m.latencyFromKafka.observe(Math.max(0, (nowMs - kafkaTimestampMs) / 1000));
    }

    const next = (BigInt(lastMessage.offset) + 1n).toString();
    setConsumerLag(m, batch.topic, batch.partition, batch.highWatermark, next);
    m.lastProcessedTimestamp.set({ topic: batch.topic, partition: String(batch.partition) }, Number(lastMessage.timestamp) / 1000);
  }

  /** Sets the size and object count of a partition's light-curve store. */
  storeChanged(partition: number, store: PartitionStore): void {
    const label = { partition: String(partition) };
    this.metrics.storeSize.set(label, store.sizeBytes());
    this.metrics.storeObjects.set(label, store.count());
  }

  /** Removes the per-partition series of a partition this instance no longer owns. */
  partitionRevoked(partition: number, inputTopics: readonly string[]): void {
    const label = String(partition);
    this.metrics.storeSize.remove({ partition: label });
    this.metrics.storeObjects.remove({ partition: label });
    for (const topic of inputTopics) {
      this.metrics.consumerLag.remove({ topic, partition: label });
      this.metrics.lastProcessedTimestamp.remove({ topic, partition: label });
    }
  }
}
