import { readFileSync } from 'node:fs';
import { Kafka, logLevel, type KafkaConfig, type LogEntry } from 'kafkajs';
import { componentLogger } from '@lightbridge/telemetry';
import type { StreamConfig } from './config.ts';

const kafkaLog = componentLogger('kafkajs');

/** Creates the kafkajs client with the configured brokers, SASL and TLS, logging through pino. */
export function createKafka(config: StreamConfig): Kafka {
  return new Kafka(kafkaClientConfig(config));
}

/** Builds the kafkajs client settings; reads the TLS files, whose contents are never logged. */
export function kafkaClientConfig(config: StreamConfig): KafkaConfig {
  const settings: KafkaConfig = {
    clientId: config.clientId,
    brokers: config.brokers,
    logLevel: logLevel.WARN,
    logCreator: () => writeKafkaLog,
  };

  if (config.tls !== undefined) {
    settings.ssl = {
      ca: config.tls.caFile === undefined ? undefined : [readFileSync(config.tls.caFile, 'utf8')],
      cert: config.tls.certFile === undefined ? undefined : readFileSync(config.tls.certFile, 'utf8'),
      key: config.tls.keyFile === undefined ? undefined : readFileSync(config.tls.keyFile, 'utf8'),
    };
  }

  if (config.sasl !== undefined) {
    const { username, password } = config.sasl;
    settings.sasl =
      config.sasl.mechanism === 'plain'
        ? { mechanism: 'plain', username, password }
        : config.sasl.mechanism === 'scram-sha-256'
          ? { mechanism: 'scram-sha-256', username, password }
          : { mechanism: 'scram-sha-512', username, password };
  }
  return settings;
}

/**
 * Group-coordination conditions that kafkajs logs as errors although it retries them and they are
 * part of normal operation (a broker starting, a rebalance). They are logged as warnings, so that
 * alerting on error lines does not page on every rebalance.
 */
const ROUTINE_ERRORS = [
  'coordinator is loading',
  'group coordinator is not available',
  'group is rebalancing',
  'Restarting the consumer',
  'not the correct coordinator',
];

function isRoutine(entry: LogEntry): boolean {
  const text = `${entry.log.message} ${String(entry.log.error ?? '')}`;
  return ROUTINE_ERRORS.some((fragment) => text.includes(fragment));
}

/** Forwards kafkajs log entries to pino at the matching level, routine retries as warnings. */
function writeKafkaLog(entry: LogEntry): void {
  const { message, ...fields } = entry.log;
  const details = { namespace: entry.namespace, ...fields };
  if (entry.level === logLevel.ERROR && isRoutine(entry)) kafkaLog.warn(details, message);
  else if (entry.level === logLevel.ERROR) kafkaLog.error(details, message);
  else if (entry.level === logLevel.WARN) kafkaLog.warn(details, message);
  else if (entry.level === logLevel.INFO) kafkaLog.info(details, message);
  else kafkaLog.debug(details, message);
}
