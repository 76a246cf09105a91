export {
  DEFAULT_BATCH_SIZE,
  DEFAULT_GROUP_ID,
  DEFAULT_METRICS_HOST,
  DEFAULT_METRICS_PORT,
  DEFAULT_STATE_DIR,
  ENVIRONMENT_VARIABLES,
  SASL_MECHANISMS,
  StreamConfigError,
  describeConfig,
  loadStreamConfig,
  optionName,
  type ConfigSources,
  type FilterTopic,
  type RawSettings,
  type SaslSettings,
  type StreamConfig,
  type TlsSettings,
} from './config.ts';
export { CoPartitionedAssigner, assignPartitionNumbers } from './assigner.ts';
export { CHANGELOG_CONTENT_TYPE, changelogKey, decodeLightCurve, encodeLightCurve, restorePartitions, type RestoreResult } from './changelog.ts';
export { deliverBatch, splitBySize, type InputPosition } from './deliver.ts';
export {
  processBatch,
  type BatchContext,
  type BatchOutput,
  type DeadLetter,
  type DuplicateAlert,
  type PublishedRecord,
  type StageSeconds,
} from './batch.ts';
export { createKafka, kafkaClientConfig } from './kafka-client.ts';
export { BatchOverlayStore, PartitionStore } from './partition-store.ts';
export { NO_CLASS, REJECT_REASONS, ServeMetrics, type ServeTopics } from './serve-metrics.ts';
export { StreamService, startStreamService, type ServeChecks, type StreamStats } from './service.ts';
export { TopicSetupError, ensureTopics, findInputTopics, type InputTopics } from './topics.ts';
