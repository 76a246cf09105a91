import { parseArgs } from 'node:util';
import { DEFAULT_METRICS_HOST, DEFAULT_METRICS_PORT, type FilterTopic, type RawSettings } from '@lightbridge/stream';
import { UsageError } from '../command.ts';

export const usage = `usage: lightbridge serve [options]

Consumes ZTF alert topics from Kafka as a member of a consumer group, classifies each alert
with the same steps as "lightbridge classify", and publishes one Avro classification per alert
to the output topic, keyed by objectId. Messages that cannot be decoded or classified go to the
dead-letter topic with their original bytes; alerts already classified are dropped as duplicates.
Light curves are kept per input partition in LMDB under the state folder and written to a
compacted changelog topic, from which an instance restores the partitions it is assigned.
Add instances with the same group id to share the partitions.

Settings come from the configuration file, then environment variables, then these options,
each overriding the one before. Stops gracefully on SIGTERM or SIGINT.

options (environment variable in brackets):
  --config FILE            JSON file with any of the settings below, under their camelCase
                           names (for example "outputTopic", "filters", "sasl": {...})
  --brokers LIST           Kafka bootstrap brokers, host:port, comma-separated
                           [LIGHTBRIDGE_KAFKA_BROKERS]
  --input-topics LIST      input topics, comma-separated [LIGHTBRIDGE_INPUT_TOPICS]
  --input-pattern REGEX    regular expression for input topics, matched at start, for
                           example '^ztf_\\d{8}_programid1$' [LIGHTBRIDGE_INPUT_PATTERN]
  --output-topic TOPIC     topic of the classifications [LIGHTBRIDGE_OUTPUT_TOPIC]
  --dead-letter-topic TOPIC
                           topic of messages that failed (default: OUTPUT.dead-letter)
                           [LIGHTBRIDGE_DEAD_LETTER_TOPIC]
  --changelog-topic TOPIC  compacted topic of light curves, created when missing with the input
                           partition count (default: GROUP.lightcurve-changelog)
                           [LIGHTBRIDGE_CHANGELOG_TOPIC]
  --group-id ID            consumer group (default: lightbridge-serve) [LIGHTBRIDGE_GROUP_ID]
  --client-id ID           Kafka client id (default: lightbridge-serve)
                           [LIGHTBRIDGE_KAFKA_CLIENT_ID]
  --state-dir DIR          folder of the light-curve stores, one per input partition
                           (default: state/serve) [LIGHTBRIDGE_STATE_DIR]
  --model-dir DIR          model folder holding manifest.json and model.onnx, or a CURRENT file
                           naming one (default: models/ztf-bts) [LIGHTBRIDGE_MODEL_DIR]
  --gate-file FILE         JSON file overriding quality gate thresholds [LIGHTBRIDGE_GATE_FILE]
  --batch-size N           alerts scored per model call and handled per offset commit
                           (default: 256) [LIGHTBRIDGE_BATCH_SIZE]
  --filter TOPIC:CLASS:P   also publish records whose probability of CLASS is at least P
                           (0 to 1) to TOPIC; repeatable; replaces "filters" of the file
  --sasl-mechanism NAME    scram-sha-512, scram-sha-256 or plain
                           [LIGHTBRIDGE_KAFKA_SASL_MECHANISM]
  --sasl-username NAME     SASL user name [LIGHTBRIDGE_KAFKA_SASL_USERNAME]
                           The password has no option, so it never shows in process lists:
                           set LIGHTBRIDGE_KAFKA_SASL_PASSWORD or "saslPassword" in the file.
  --tls                    connect with TLS [LIGHTBRIDGE_KAFKA_TLS=true|false]
  --tls-ca-file FILE       PEM file of the CA certificates to trust
                           [LIGHTBRIDGE_KAFKA_TLS_CA_FILE]
  --tls-cert-file FILE     PEM client certificate [LIGHTBRIDGE_KAFKA_TLS_CERT_FILE]
  --tls-key-file FILE      PEM private key of the client certificate
                           [LIGHTBRIDGE_KAFKA_TLS_KEY_FILE]
  --metrics-host HOST      address of the telemetry server: /metrics for Prometheus, /healthz
                           and /readyz (default: ${DEFAULT_METRICS_HOST}) [LIGHTBRIDGE_METRICS_HOST]
  --metrics-port PORT      TCP port of the telemetry server, 0 for a free one (default: ${DEFAULT_METRICS_PORT})
                           [LIGHTBRIDGE_METRICS_PORT]

Logs are JSON lines on standard error; LIGHTBRIDGE_LOG_LEVEL sets the level (default info).
`;

const STRING_OPTIONS = [
  'config', 'brokers', 'input-topics', 'input-pattern', 'output-topic', 'dead-letter-topic', 'changelog-topic',
  'group-id', 'client-id', 'state-dir', 'model-dir', 'gate-file', 'batch-size', 'sasl-mechanism', 'sasl-username',
  'tls-ca-file', 'tls-cert-file', 'tls-key-file', 'metrics-host', 'metrics-port',
] as const;

export interface ServeArguments {
  configFile?: string;
  overrides: RawSettings;
}

/** Parses the serve command line into the configuration file path and the settings it overrides. */
export function parseServeArguments(args: string[]): ServeArguments {
  let values: Record<string, string | boolean | string[] | undefined>;
  try {
    const options = Object.fromEntries(STRING_OPTIONS.map((name) => [name, { type: 'string' as const }]));
    ({ values } = parseArgs({
      args,
      allowPositionals: false,
      options: { ...options, filter: { type: 'string', multiple: true }, tls: { type: 'boolean' } },
    }));
  } catch (error) {
    throw new UsageError((error as Error).message);
  }

  const text = (name: string): string | undefined => values[name] as string | undefined;
  const overrides: RawSettings = {
    brokers: text('brokers'),
    clientId: text('client-id'),
    inputTopics: text('input-topics'),
    inputPattern: text('input-pattern'),
    outputTopic: text('output-topic'),
    deadLetterTopic: text('dead-letter-topic'),
    changelogTopic: text('changelog-topic'),
    groupId: text('group-id'),
    stateDir: text('state-dir'),
    modelDir: text('model-dir'),
    gateFile: text('gate-file'),
    batchSize: text('batch-size'),
    saslMechanism: text('sasl-mechanism'),
    saslUsername: text('sasl-username'),
    tls: values.tls === true ? true : undefined,
    tlsCaFile: text('tls-ca-file'),
    tlsCertFile: text('tls-cert-file'),
    tlsKeyFile: text('tls-key-file'),
    metricsHost: text('metrics-host'),
    metricsPort: text('metrics-port'),
    filters: values.filter === undefined ? undefined : (values.filter as string[]).map(parseFilter),
  };
  return { configFile: text('config'), overrides };
}

/** Parses TOPIC:CLASS:P; the probability is checked later with the rest of the settings. */
function parseFilter(value: string): FilterTopic {
  const parts = value.split(':');
  if (parts.length !== 3 || parts.some((part) => part.trim() === '')) {
    throw new UsageError(`--filter "${value}" is not TOPIC:CLASS:MIN_PROBABILITY, for example ia-candidates:Ia:0.7`);
  }
  const [topic, className, probability] = parts.map((part) => part.trim()) as [string, string, string];
  return { topic, class: className, minProbability: Number(probability) };
}
