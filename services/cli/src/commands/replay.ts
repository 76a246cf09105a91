import { existsSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { type Command, UsageError } from '../command.ts';
import type { UndecodableInput, UnreadableInput } from '../replay/inputs.ts';
import { DEFAULT_BROKERS, kafkaSecurityFromEnv, KafkaSettingsError, parseBrokers } from '../replay/kafka-client.ts';
import { REPLAY_DEFAULTS, replayAlerts, type ReplaySummary } from '../replay/replay.ts';
import { ReplayError } from '../replay/topic.ts';

// Undecodable inputs listed one per line on standard error; past this only the count is printed.
const LISTED_INPUTS_MAX = 100;

const usage = `usage: lightbridge replay PATH... --topic NAME [options]

Produces alert files into a Kafka topic as a survey publishes them: one message per alert
file, the value being the file's bytes unchanged, the key the alert's objectId, the
timestamp the send time. PATH is an Avro alert file, a folder (searched recursively, such as
the output of "lightbridge simulate") or a .tar/.tar.gz archive. Alerts are sent in time
order (jd, then candid) within the reorder window. A file that cannot be decoded is still
produced, keyed by its file name, and listed on standard error, so that the service
reading the topic can dead-letter it. Uses an idempotent producer with acks=-1.

options:
  --topic NAME          topic to produce to (required)
  --brokers LIST        comma-separated host:port list (default: LIGHTBRIDGE_KAFKA_BROKERS,
                        else ${DEFAULT_BROKERS.join(',')})
  --rate N              messages per second, a positive number (default: as fast as the
                        broker accepts them)
  --create-topic        create the topic when it does not exist
  --partitions N        partition count of a created topic (default: ${REPLAY_DEFAULTS.partitions})
  --reorder-window N    alerts held in memory to send them in time order (default:
                        ${REPLAY_DEFAULTS.reorderWindow}; 0 keeps input order)
  --connect-timeout S   seconds to wait for the brokers at the start (default: ${REPLAY_DEFAULTS.connectTimeoutMs / 1000})
  --no-progress         do not print the progress line on standard error

environment:
  LIGHTBRIDGE_KAFKA_BROKERS        default broker list
  LIGHTBRIDGE_KAFKA_TLS            true to connect with TLS
  LIGHTBRIDGE_KAFKA_TLS_CA_FILE    PEM file of the certificate authorities to trust
  LIGHTBRIDGE_KAFKA_TLS_CERT_FILE, LIGHTBRIDGE_KAFKA_TLS_KEY_FILE
                                   PEM client certificate and key
  LIGHTBRIDGE_KAFKA_SASL_MECHANISM plain, scram-sha-256 or scram-sha-512
  LIGHTBRIDGE_KAFKA_SASL_USERNAME, LIGHTBRIDGE_KAFKA_SASL_PASSWORD

exit status: 0 when every input was produced, 1 when an input could not be read or the
replay failed, 2 for invalid options.
`;

function positiveNumber(value: string | undefined, name: string): number | undefined {
  if (value === undefined) return undefined;
  const number = Number(value);
  if (value.trim() === '' || !Number.isFinite(number) || number <= 0) {
    throw new UsageError(`--${name} must be a positive number, got "${value}"`);
  }
  return number;
}

function integerOption(value: string | undefined, name: string, min: number, max: number, fallback: number): number {
  if (value === undefined) return fallback;
  const number = /^\d+$/.test(value) ? Number(value) : Number.NaN;
  if (!Number.isSafeInteger(number) || number < min || number > max) {
    throw new UsageError(`--${name} must be an integer from ${min} to ${max}, got "${value}"`);
  }
  return number;
}

function parseOptions(args: string[]) {
  try {
    return parseArgs({
      args,
      allowPositionals: true,
      options: {
        topic: { type: 'string' },
        brokers: { type: 'string' },
        rate: { type: 'string' },
        'create-topic': { type: 'boolean', default: false },
        partitions: { type: 'string' },
        'reorder-window': { type: 'string' },
        'connect-timeout': { type: 'string' },
        'no-progress': { type: 'boolean', default: false },
      },
    });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
}

/** Prints each undecodable input up to LISTED_INPUTS_MAX, then counts the rest. */
function undecodableReporter(): { report(input: UndecodableInput): void; unlisted(): number } {
  let count = 0;
  return {
    report(input) {
      count += 1;
      if (count > LISTED_INPUTS_MAX) return;
      process.stderr.write(`lightbridge replay: ${input.source} cannot be decoded (${input.error.message}); produced with key "${input.key}"\n`);
    },
    unlisted: () => Math.max(count - LISTED_INPUTS_MAX, 0),
  };
}

function formatSummary(summary: ReplaySummary, unlistedUndecodable: number): string {
  const lines = [
    `Replayed ${summary.messages} messages (${(summary.bytes / 1e6).toFixed(1)} MB) to topic ${summary.topic} in ${summary.seconds.toFixed(1)} s: ${summary.alertsPerSecond.toFixed(0)} alerts/s`,
    `  undecodable inputs produced with their file name as key: ${summary.undecodable}` +
      (unlistedUndecodable > 0 ? ` (${unlistedUndecodable} not listed above)` : ''),
    `  unreadable inputs not produced: ${summary.unreadable}`,
  ];
  return `${lines.join('\n')}\n`;
}

async function run(args: string[]): Promise<number> {
  const { values, positionals } = parseOptions(args);

  if (positionals.length === 0) throw new UsageError('give at least one alert file, folder or archive to replay');
  for (const path of positionals) {
    if (!existsSync(path)) throw new UsageError(`input "${path}" not found`);
  }
  if (values.topic === undefined || values.topic.trim() === '') throw new UsageError('--topic is required: give the topic to produce to');
  if (values.partitions !== undefined && !values['create-topic']) {
    throw new UsageError('--partitions applies only to a topic created with --create-topic');
  }

  let brokers;
  let security;
  try {
    brokers = parseBrokers(values.brokers ?? process.env.LIGHTBRIDGE_KAFKA_BROKERS ?? DEFAULT_BROKERS.join(','));
    security = kafkaSecurityFromEnv();
  } catch (error) {
    if (error instanceof KafkaSettingsError) throw new UsageError(error.message);
    throw error;
  }

  const undecodable = undecodableReporter();
  const onUnreadable = (input: UnreadableInput): void => {
    process.stderr.write(`lightbridge replay: ${input.source} cannot be read (${input.error.message}); not produced\n`);
  };

  let summary;
  try {
    summary = await replayAlerts({
      inputs: positionals,
      topic: values.topic,
      brokers,
      security,
      ratePerSecond: positiveNumber(values.rate, 'rate'),
      createTopic: values['create-topic'],
      partitions: integerOption(values.partitions, 'partitions', 1, 10_000, REPLAY_DEFAULTS.partitions),
      reorderWindow: integerOption(values['reorder-window'], 'reorder-window', 0, 1_000_000, REPLAY_DEFAULTS.reorderWindow),
      connectTimeoutMs: 1000 * (positiveNumber(values['connect-timeout'], 'connect-timeout') ?? REPLAY_DEFAULTS.connectTimeoutMs / 1000),
      progress: !values['no-progress'],
      onUndecodable: undecodable.report,
      onUnreadable,
    });
  } catch (error) {
    if (!(error instanceof ReplayError)) throw error;
    process.stderr.write(`lightbridge replay: ${error.message}\n`);
    return 1;
  }

  process.stdout.write(formatSummary(summary, undecodable.unlisted()));
  return summary.unreadable > 0 ? 1 : 0;
}

export const command: Command = { usage, run };
