export { componentLogger, rootLogger, setRootLogger, type Logger } from './logger.ts';
export { createRepeatLimiter, type RepeatLevel, type RepeatLimiter, type RepeatLimiterOptions } from './repeat-limiter.ts';
export {
  type BrokerMetrics,
  createBrokerMetrics,
  METRIC_PREFIX,
  type MetricDefinition,
  type MetricKey,
  METRICS,
  type MetricType,
  type ModelInfo,
  secondsSinceMjd,
  setConsumerLag,
  setModelInfo,
  type Stage,
  STAGES,
  startStageTimer,
} from './metrics.ts';
export { type Readiness, startTelemetryServer, type TelemetryServer, type TelemetryServerOptions } from './http.ts';
