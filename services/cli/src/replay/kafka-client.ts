import { readFileSync } from 'node:fs';
import type { ConnectionOptions } from 'node:tls';
import { type KafkaConfig, type LogEntry, logLevel, type SASLOptions } from 'kafkajs';
import { componentLogger } from '@lightbridge/telemetry';

/** Brokers used when neither --brokers nor LIGHTBRIDGE_KAFKA_BROKERS is given: the local broker of deploy/kafka. */
export const DEFAULT_BROKERS = ['127.0.0.1:9092'];

/** A wrong broker list or LIGHTBRIDGE_KAFKA_* setting; the CLI reports it as a usage error. */
export class KafkaSettingsError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'KafkaSettingsError';
  }
}

/** TLS and SASL settings of a Kafka connection, read from LIGHTBRIDGE_KAFKA_* variables. */
export interface KafkaSecurity {
  ssl?: ConnectionOptions | boolean;
  sasl?: SASLOptions;
}

/** Parses a comma-separated host:port list, rejecting empty entries and missing ports. */
export function parseBrokers(list: string): string[] {
  const brokers = list.split(',').map((entry) => entry.trim()).filter((entry) => entry !== '');
  if (brokers.length === 0) throw new KafkaSettingsError('the broker list is empty: give host:port entries separated by commas, such as 127.0.0.1:9092');

  for (const broker of brokers) {
    const port = Number(broker.slice(broker.lastIndexOf(':') + 1));
    if (!/^[^\s,]+:\d+$/.test(broker) || !Number.isInteger(port) || port < 1 || port > 65535) {
      throw new KafkaSettingsError(`broker "${broker}" is not host:port with a port from 1 to 65535`);
    }
  }
  return brokers;
}

/**
 * Reads TLS and SASL settings from the environment, so secrets stay off the command line:
 * LIGHTBRIDGE_KAFKA_TLS=true turns TLS on, LIGHTBRIDGE_KAFKA_TLS_CA_FILE, _TLS_CERT_FILE and
 * _TLS_KEY_FILE name PEM files (each also turns TLS on), LIGHTBRIDGE_KAFKA_SASL_MECHANISM is
 * plain, scram-sha-256 or scram-sha-512, with LIGHTBRIDGE_KAFKA_SASL_USERNAME and _PASSWORD.
 */
export function kafkaSecurityFromEnv(env: NodeJS.ProcessEnv = process.env): KafkaSecurity {
  const security: KafkaSecurity = {};

  const tlsFlag = booleanSetting(env, 'LIGHTBRIDGE_KAFKA_TLS');
  const tlsFiles: ConnectionOptions = {};
  const ca = pemFileSetting(env, 'LIGHTBRIDGE_KAFKA_TLS_CA_FILE');
  const cert = pemFileSetting(env, 'LIGHTBRIDGE_KAFKA_TLS_CERT_FILE');
  const key = pemFileSetting(env, 'LIGHTBRIDGE_KAFKA_TLS_KEY_FILE');
  if (ca !== undefined) tlsFiles.ca = [ca];
  if (cert !== undefined) tlsFiles.cert = cert;
  if (key !== undefined) tlsFiles.key = key;
  if ((cert === undefined) !== (key === undefined)) {
    throw new KafkaSettingsError('LIGHTBRIDGE_KAFKA_TLS_CERT_FILE and LIGHTBRIDGE_KAFKA_TLS_KEY_FILE must be set together for a client certificate');
  }
  if (Object.keys(tlsFiles).length > 0) {
    if (tlsFlag === false) throw new KafkaSettingsError('LIGHTBRIDGE_KAFKA_TLS is false but TLS files are set; unset one of them');
    security.ssl = tlsFiles;
  } else if (tlsFlag === true) {
    security.ssl = true;
  }

  const sasl = saslFromEnv(env);
  if (sasl !== undefined) security.sasl = sasl;
  return security;
}

function saslFromEnv(env: NodeJS.ProcessEnv): SASLOptions | undefined {
  const mechanism = env.LIGHTBRIDGE_KAFKA_SASL_MECHANISM?.trim().toLowerCase();
  const username = env.LIGHTBRIDGE_KAFKA_SASL_USERNAME;
  const password = env.LIGHTBRIDGE_KAFKA_SASL_PASSWORD;
  if (mechanism === undefined || mechanism === '') {
    if (username !== undefined || password !== undefined) {
      throw new KafkaSettingsError('LIGHTBRIDGE_KAFKA_SASL_USERNAME or _PASSWORD is set without LIGHTBRIDGE_KAFKA_SASL_MECHANISM (plain, scram-sha-256 or scram-sha-512)');
    }
    return undefined;
  }

  if (username === undefined || password === undefined) {
    throw new KafkaSettingsError(`LIGHTBRIDGE_KAFKA_SASL_MECHANISM is ${mechanism} but LIGHTBRIDGE_KAFKA_SASL_USERNAME and _PASSWORD are not both set`);
  }
  if (mechanism === 'plain' || mechanism === 'scram-sha-256' || mechanism === 'scram-sha-512') {
    return { mechanism, username, password };
  }
  throw new KafkaSettingsError(`LIGHTBRIDGE_KAFKA_SASL_MECHANISM "${mechanism}" is not supported: use plain, scram-sha-256 or scram-sha-512`);
}

function booleanSetting(env: NodeJS.ProcessEnv, name: string): boolean | undefined {
  const value = env[name]?.trim().toLowerCase();
  if (value === undefined || value === '') return undefined;
  if (value === 'true' || value === '1') return true;
  if (value === 'false' || value === '0') return false;
  throw new KafkaSettingsError(`${name} must be true or false, got "${env[name]}"`);
}

function pemFileSetting(env: NodeJS.ProcessEnv, name: string): string | undefined {
  const path = env[name];
  if (path === undefined || path === '') return undefined;
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    throw new KafkaSettingsError(`${name}=${path} cannot be read: ${(error as Error).message}`);
  }
}

/**
 * Builds a kafkajs client configuration. `connectionTimeoutMs` bounds each TCP and TLS connect;
 * the caller bounds the whole first contact, because kafkajs retries a refused connection.
 */
export function kafkaClientConfig(clientId: string, brokers: string[], security: KafkaSecurity, connectionTimeoutMs: number): KafkaConfig {
  return {
    clientId,
    brokers,
    ...security,
    connectionTimeout: connectionTimeoutMs,
    retry: { retries: 5, initialRetryTime: 300, maxRetryTime: 5_000 },
    logLevel: logLevel.WARN,
    logCreator: pinoLogCreator,
  };
}

// kafkajs logs every retry of a refused connection; each distinct message is logged at most
// once in this interval, with the number of repeats left out.
const REPEAT_INTERVAL_MS = 30_000;

// kafkajs warns about this whenever an idempotent producer has bounded retries. Replay stops at
// the first failed send and never resends, so bounded retries cannot duplicate messages.
const IGNORED_MESSAGES = new Set(['Limiting retries for the idempotent producer may invalidate EoS guarantees']);

/** Sends kafkajs log entries to the pino logger of component "kafka", at the same level, with repeats limited. */
function pinoLogCreator(): (entry: LogEntry) => void {
  const log = componentLogger('kafka');
  const lastLogged = new Map<string, { at: number; repeats: number }>();

  return ({ namespace, level, log: { message, timestamp: _timestamp, ...extra } }) => {
    if (IGNORED_MESSAGES.has(message)) return;

    const id = `${namespace}\u0000${message}`;
    const now = Date.now();
    const last = lastLogged.get(id);
    if (last !== undefined && now - last.at < REPEAT_INTERVAL_MS) {
      last.repeats += 1;
      return;
    }
    lastLogged.set(id, { at: now, repeats: 0 });

    const fields = { namespace, ...extra, ...(last !== undefined && last.repeats > 0 ? { repeatsNotLogged: last.repeats } : {}) };
    if (level === logLevel.ERROR) log.error(fields, message);
    else if (level === logLevel.WARN) log.warn(fields, message);
    else if (level === logLevel.INFO) log.info(fields, message);
    else log.debug(fields, message);
  };
}
