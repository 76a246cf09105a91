import { accessSync, constants, readFileSync } from 'node:fs';
import { isIP } from 'node:net';
import { resolve } from 'node:path';

/** SASL mechanisms that kafkajs 2.2.4 implements without a plugin. */
export const SASL_MECHANISMS = ['scram-sha-512', 'scram-sha-256', 'plain'] as const;
export type SaslMechanism = (typeof SASL_MECHANISMS)[number];

/** A topic that receives the records whose probability of one class reaches a threshold. */
export interface FilterTopic {
  topic: string;
  class: string;
  minProbability: number;
}

export interface SaslSettings {
  mechanism: SaslMechanism;
  username: string;
  password: string;
}

/** TLS settings; the files are paths, read when the Kafka client is created. */
export interface TlsSettings {
  caFile?: string;
  certFile?: string;
  keyFile?: string;
}

/** The validated settings of `lightbridge serve`. */
export interface StreamConfig {
  brokers: string[];
  clientId: string;
  /** Exactly one of inputTopics and inputPattern is set. */
  inputTopics?: string[];
  inputPattern?: RegExp;
  outputTopic: string;
  deadLetterTopic: string;
  changelogTopic: string;
  groupId: string;
  stateDir: string;
  modelDir: string;
  /** JSON file overriding quality gate thresholds. */
  gateFile?: string;
  /** Alerts scored per model call, and the most messages handled between two offset commits. */
  batchSize: number;
  filters: FilterTopic[];
  sasl?: SaslSettings;
  tls?: TlsSettings;
  /** Address the telemetry server (/metrics, /healthz, /readyz) binds. */
  metricsHost: string;
  /** Port of the telemetry server; 0 picks a free one, undefined serves no telemetry. */
  metricsPort?: number;
}

/**
 * Settings as read from one source, before validation. Strings come from the environment and
 * the command line; the JSON file may also give arrays, numbers and booleans.
 */
export interface RawSettings {
  brokers?: unknown;
  clientId?: unknown;
  inputTopics?: unknown;
  inputPattern?: unknown;
  outputTopic?: unknown;
  deadLetterTopic?: unknown;
  changelogTopic?: unknown;
  groupId?: unknown;
  stateDir?: unknown;
  modelDir?: unknown;
  gateFile?: unknown;
  batchSize?: unknown;
  filters?: unknown;
  saslMechanism?: unknown;
  saslUsername?: unknown;
  saslPassword?: unknown;
  tls?: unknown;
  tlsCaFile?: unknown;
  tlsCertFile?: unknown;
  tlsKeyFile?: unknown;
  metricsHost?: unknown;
  metricsPort?: unknown;
}

type SettingKey = keyof RawSettings;

/** Environment variable of each setting that has one. */
export const ENVIRONMENT_VARIABLES: Partial<Record<SettingKey, string>> = {
  brokers: 'LIGHTBRIDGE_KAFKA_BROKERS',
  clientId: 'LIGHTBRIDGE_KAFKA_CLIENT_ID',
  inputTopics: 'LIGHTBRIDGE_INPUT_TOPICS',
  inputPattern: 'LIGHTBRIDGE_INPUT_PATTERN',
  outputTopic: 'LIGHTBRIDGE_OUTPUT_TOPIC',
  deadLetterTopic: 'LIGHTBRIDGE_DEAD_LETTER_TOPIC',
  changelogTopic: 'LIGHTBRIDGE_CHANGELOG_TOPIC',
  groupId: 'LIGHTBRIDGE_GROUP_ID',
  stateDir: 'LIGHTBRIDGE_STATE_DIR',
  modelDir: 'LIGHTBRIDGE_MODEL_DIR',
  gateFile: 'LIGHTBRIDGE_GATE_FILE',
  batchSize: 'LIGHTBRIDGE_BATCH_SIZE',
  saslMechanism: 'LIGHTBRIDGE_KAFKA_SASL_MECHANISM',
  saslUsername: 'LIGHTBRIDGE_KAFKA_SASL_USERNAME',
  saslPassword: 'LIGHTBRIDGE_KAFKA_SASL_PASSWORD',
  tls: 'LIGHTBRIDGE_KAFKA_TLS',
  tlsCaFile: 'LIGHTBRIDGE_KAFKA_TLS_CA_FILE',
  tlsCertFile: 'LIGHTBRIDGE_KAFKA_TLS_CERT_FILE',
  tlsKeyFile: 'LIGHTBRIDGE_KAFKA_TLS_KEY_FILE',
  metricsHost: 'LIGHTBRIDGE_METRICS_HOST',
  metricsPort: 'LIGHTBRIDGE_METRICS_PORT',
};

/** Keys of the JSON configuration file; `sasl` and `tls` may also be nested objects. */
const FILE_KEYS: readonly SettingKey[] = Object.keys({
  brokers: 0, clientId: 0, inputTopics: 0, inputPattern: 0, outputTopic: 0, deadLetterTopic: 0, changelogTopic: 0,
  groupId: 0, stateDir: 0, modelDir: 0, gateFile: 0, batchSize: 0, filters: 0, saslMechanism: 0, saslUsername: 0,
  saslPassword: 0, tls: 0, tlsCaFile: 0, tlsCertFile: 0, tlsKeyFile: 0, metricsHost: 0, metricsPort: 0,
} satisfies Record<SettingKey, 0>) as SettingKey[];

export const DEFAULT_GROUP_ID = 'lightbridge-serve';
export const DEFAULT_CLIENT_ID = 'lightbridge-serve';
export const DEFAULT_BATCH_SIZE = 256;
export const DEFAULT_STATE_DIR = 'state/serve';
export const DEFAULT_METRICS_HOST = '127.0.0.1';
/** Telemetry port of the serve command; deploy/prometheus/prometheus.yml scrapes it. */
export const DEFAULT_METRICS_PORT = 9464;

/** Kafka topic names: legal characters and length limit of Apache Kafka 4.0. */
const TOPIC_NAME = /^[a-zA-Z0-9._-]{1,249}$/;

/** Raised when the settings are invalid; the message lists every problem, one a line. */
export class StreamConfigError extends Error {
  readonly problems: string[];

  constructor(problems: string[]) {
    super(`invalid serve configuration:\n  - ${problems.join('\n  - ')}`);
    this.name = 'StreamConfigError';
    this.problems = problems;
  }
}

export interface ConfigSources {
  /** Path of the JSON configuration file, if any. */
  file?: string;
  env?: NodeJS.ProcessEnv;
  /** Command-line settings; they override the environment, which overrides the file. */
  overrides?: RawSettings;
  /** Model folder used when no source sets one. */
  defaultModelDir: string;
  /** Telemetry port used when no source sets one; without it and a setting, no telemetry server runs. */
  defaultMetricsPort?: number;
}

/** A setting's value and a name for it in error messages (an option, a variable or a file key). */
interface Sourced {
  value: unknown;
  source: string;
}

/**
 * Reads the configuration file, the environment and the command-line settings, merges them
 * (command line over environment over file) and validates the result. Throws StreamConfigError
 * listing every problem, each naming its setting.
 */
export function loadStreamConfig(sources: ConfigSources): StreamConfig {
  const problems: string[] = [];
  const layers: Array<{ settings: RawSettings; name: (key: SettingKey) => string }> = [];

  if (sources.file !== undefined) {
    const file = sources.file;
    layers.push({ settings: readConfigFile(file, problems), name: (key) => `"${key}" in ${file}` });
  }
  layers.push({ settings: settingsFromEnv(sources.env ?? process.env), name: (key) => ENVIRONMENT_VARIABLES[key] ?? key });
  if (sources.overrides !== undefined) {
    layers.push({ settings: sources.overrides, name: (key) => `--${optionName(key)}` });
  }

  const pick = (key: SettingKey): Sourced | undefined => {
    for (let i = layers.length - 1; i >= 0; i--) {
      const value = layers[i]!.settings[key];
      if (value !== undefined && value !== '') return { value, source: layers[i]!.name(key) };
    }
    return undefined;
  };

  const config = validate(pick, pickInput(layers), sources, problems);
  if (problems.length > 0) throw new StreamConfigError(problems);
  return config as StreamConfig;
}

/** Returns the command-line option name of a setting, for example `output-topic`. */
export function optionName(key: SettingKey): string {
  // One --filter option per filter topic, repeatable.
  if (key === 'filters') return 'filter';
  return key.replace(/[A-Z]/g, (letter) => `-${letter.toLowerCase()}`);
}

function readConfigFile(path: string, problems: string[]): RawSettings {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    problems.push(`configuration file ${path} cannot be read as JSON: ${(error as Error).message}`);
    return {};
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    problems.push(`configuration file ${path} must contain a JSON object`);
    return {};
  }

  const object = flattenNested(parsed as Record<string, unknown>);
  for (const key of Object.keys(object)) {
    if (!FILE_KEYS.includes(key as SettingKey)) {
      problems.push(`configuration file ${path} has unknown key "${key}" (known: ${FILE_KEYS.join(', ')})`);
    }
  }
  return object as RawSettings;
}

/** Turns `{ "sasl": { "mechanism": ... }, "tls": { "caFile": ... } }` into the flat keys. */
function flattenNested(object: Record<string, unknown>): Record<string, unknown> {
  const flat: Record<string, unknown> = { ...object };
  for (const group of ['sasl', 'tls'] as const) {
    const nested = object[group];
    if (nested === null || typeof nested !== 'object' || Array.isArray(nested)) continue;

    delete flat[group];
    for (const [key, value] of Object.entries(nested as Record<string, unknown>)) {
      if (group === 'tls' && key === 'enabled') flat.tls = value;
      else flat[`${group}${key[0]!.toUpperCase()}${key.slice(1)}`] = value;
    }
  }
  return flat;
}

function settingsFromEnv(env: NodeJS.ProcessEnv): RawSettings {
  const settings: Record<string, unknown> = {};
  for (const [key, variable] of Object.entries(ENVIRONMENT_VARIABLES)) {
    const value = env[variable!];
    if (value !== undefined && value.trim() !== '') settings[key] = value.trim();
  }
  return settings as RawSettings;
}

/**
 * Input topics and pattern are one choice: the highest layer that sets either of them decides,
 * so a pattern on the command line replaces topics from the environment.
 */
function pickInput(layers: Array<{ settings: RawSettings; name: (key: SettingKey) => string }>): {
  topics?: Sourced;
  pattern?: Sourced;
} {
  for (let i = layers.length - 1; i >= 0; i--) {
    const { settings, name } = layers[i]!;
    const topics = isSet(settings.inputTopics) ? { value: settings.inputTopics, source: name('inputTopics') } : undefined;
    const pattern = isSet(settings.inputPattern) ? { value: settings.inputPattern, source: name('inputPattern') } : undefined;
    if (topics !== undefined || pattern !== undefined) return { topics, pattern };
  }
  return {};
}

function isSet(value: unknown): boolean {
  return value !== undefined && value !== '';
}

function validate(
  pick: (key: SettingKey) => Sourced | undefined,
  input: { topics?: Sourced; pattern?: Sourced },
  sources: ConfigSources,
  problems: string[],
): Partial<StreamConfig> {
  const config: Partial<StreamConfig> = {};

  const brokers = pick('brokers');
  if (brokers === undefined) problems.push(`Kafka brokers are missing: set ${ENVIRONMENT_VARIABLES.brokers}, --brokers or "brokers" in the configuration file (host:port, comma-separated)`);
  else config.brokers = brokerList(brokers, problems);

  config.clientId = stringSetting(pick('clientId'), problems) ?? DEFAULT_CLIENT_ID;

  if (input.topics !== undefined && input.pattern !== undefined) {
    problems.push(`${input.topics.source} and ${input.pattern.source} are both set; set only one of them`);
  } else if (input.topics !== undefined) {
    config.inputTopics = topicList(input.topics, problems);
  } else if (input.pattern !== undefined) {
    config.inputPattern = regexSetting(input.pattern, problems);
  } else {
    problems.push(`input topics are missing: set ${ENVIRONMENT_VARIABLES.inputTopics} (comma list) or ${ENVIRONMENT_VARIABLES.inputPattern} (regular expression), or --input-topics / --input-pattern`);
  }

  const output = pick('outputTopic');
  if (output === undefined) problems.push(`the output topic is missing: set ${ENVIRONMENT_VARIABLES.outputTopic} or --output-topic`);
  else config.outputTopic = topicName(output, problems);

  config.groupId = stringSetting(pick('groupId'), problems) ?? DEFAULT_GROUP_ID;
  const deadLetter = pick('deadLetterTopic');
  config.deadLetterTopic = deadLetter === undefined ? `${config.outputTopic ?? 'output'}.dead-letter` : topicName(deadLetter, problems);
  const changelog = pick('changelogTopic');
  config.changelogTopic = changelog === undefined ? `${config.groupId}.lightcurve-changelog` : topicName(changelog, problems);
  if (changelog === undefined && !TOPIC_NAME.test(config.changelogTopic)) {
    problems.push(`the default changelog topic "${config.changelogTopic}" is not a valid topic name; set ${ENVIRONMENT_VARIABLES.changelogTopic} or choose another group id`);
  }

  config.stateDir = resolve(stringSetting(pick('stateDir'), problems) ?? DEFAULT_STATE_DIR);
  config.modelDir = resolve(stringSetting(pick('modelDir'), problems) ?? sources.defaultModelDir);
  const gateFile = stringSetting(pick('gateFile'), problems);
  if (gateFile !== undefined) config.gateFile = readableFile(gateFile, pick('gateFile')!.source, problems);
  config.batchSize = positiveInteger(pick('batchSize'), problems) ?? DEFAULT_BATCH_SIZE;
  config.filters = filterList(pick('filters'), problems);

  config.sasl = saslSettings(pick, problems);
  config.tls = tlsSettings(pick, problems);
  config.metricsHost = hostSetting(pick('metricsHost'), problems) ?? DEFAULT_METRICS_HOST;
  config.metricsPort = portSetting(pick('metricsPort'), problems) ?? sources.defaultMetricsPort;
  checkTopicsDistinct(config, problems);
  return config;
}

function stringSetting(setting: Sourced | undefined, problems: string[]): string | undefined {
  if (setting === undefined) return undefined;
  if (typeof setting.value !== 'string') {
    problems.push(`${setting.source} must be a string, got ${JSON.stringify(setting.value)}`);
    return undefined;
  }
  return setting.value;
}

/** Accepts a comma-separated string or a JSON array of strings; trims and drops empty entries. */
function listSetting(setting: Sourced, problems: string[]): string[] {
  const { value, source } = setting;
  if (typeof value === 'string') return value.split(',').map((entry) => entry.trim()).filter((entry) => entry !== '');
  if (Array.isArray(value) && value.every((entry) => typeof entry === 'string')) {
    return value.map((entry) => entry.trim()).filter((entry) => entry !== '');
  }
  problems.push(`${source} must be a comma-separated string or a list of strings, got ${JSON.stringify(value)}`);
  return [];
}

function brokerList(setting: Sourced, problems: string[]): string[] {
  const brokers = listSetting(setting, problems);
  if (brokers.length === 0) problems.push(`${setting.source} contains no broker; give host:port entries`);
  for (const broker of brokers) {
    const port = Number(broker.slice(broker.lastIndexOf(':') + 1));
    if (!/^[^\s:,]+:\d+$/.test(broker) && !/^\[[0-9a-fA-F:]+\]:\d+$/.test(broker)) {
      problems.push(`${setting.source} entry "${broker}" is not host:port`);
    } else if (!Number.isInteger(port) || port < 1 || port > 65535) {
      problems.push(`${setting.source} entry "${broker}" has port ${port}, outside 1-65535`);
    }
  }
  return brokers;
}

function topicList(setting: Sourced, problems: string[]): string[] {
  const topics = listSetting(setting, problems);
  if (topics.length === 0) problems.push(`${setting.source} contains no topic`);
  for (const topic of topics) checkTopicName(topic, setting.source, problems);
  return topics;
}

function topicName(setting: Sourced, problems: string[]): string {
  const topic = stringSetting(setting, problems) ?? '';
  if (topic !== '') checkTopicName(topic, setting.source, problems);
  return topic;
}

function checkTopicName(topic: string, source: string, problems: string[]): void {
  if (!TOPIC_NAME.test(topic) || topic === '.' || topic === '..') {
    problems.push(`${source}: "${topic}" is not a valid Kafka topic name (1-249 characters of a-z, A-Z, 0-9, '.', '_', '-')`);
  }
}

function regexSetting(setting: Sourced, problems: string[]): RegExp | undefined {
  const source = stringSetting(setting, problems);
  if (source === undefined) return undefined;
  try {
    return new RegExp(source);
  } catch (error) {
    problems.push(`${setting.source} is not a valid regular expression: ${(error as Error).message}`);
    return undefined;
  }
}

function positiveInteger(setting: Sourced | undefined, problems: string[]): number | undefined {
  if (setting === undefined) return undefined;
  const number = typeof setting.value === 'number' ? setting.value : Number(String(setting.value).trim());
  if (!Number.isInteger(number) || number < 1) {
    problems.push(`${setting.source} must be a positive integer, got ${JSON.stringify(setting.value)}`);
    return undefined;
  }
  return number;
}

/** Accepts an IPv4 or IPv6 address (without brackets) or a host name. */
function hostSetting(setting: Sourced | undefined, problems: string[]): string | undefined {
  const host = stringSetting(setting, problems)?.trim();
  if (host === undefined) return undefined;
  const hostName = /^(?=.{1,253}$)[a-zA-Z0-9]([a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?(\.[a-zA-Z0-9]([a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?)*$/;
  if (isIP(host) === 0 && !hostName.test(host)) {
    problems.push(`${setting!.source} "${host}" is not an IP address or host name; use for example 127.0.0.1, 0.0.0.0 or ::1`);
    return undefined;
  }
  return host;
}

/** Accepts an integer from 0 to 65535; 0 lets the system pick a free port. */
function portSetting(setting: Sourced | undefined, problems: string[]): number | undefined {
  if (setting === undefined) return undefined;
  const { value } = setting;
  let text = '';
  if (typeof value === 'number') text = String(value);
  else if (typeof value === 'string') text = value.trim();
  const port = /^\d+$/.test(text) ? Number(text) : Number.NaN;
  if (!Number.isInteger(port) || port > 65535) {
    problems.push(`${setting.source} must be a TCP port from 0 to 65535 (0 picks a free port), got ${JSON.stringify(setting.value)}`);
    return undefined;
  }
  return port;
}

function filterList(setting: Sourced | undefined, problems: string[]): FilterTopic[] {
  if (setting === undefined) return [];
  if (!Array.isArray(setting.value)) {
    problems.push(`${setting.source} must be a list of { "topic", "class", "minProbability" } objects`);
    return [];
  }

  const filters: FilterTopic[] = [];
  setting.value.forEach((entry: unknown, index) => {
    const where = `${setting.source}[${index}]`;
    if (entry === null || typeof entry !== 'object') {
      problems.push(`${where} must be an object with "topic", "class" and "minProbability"`);
      return;
    }
    const { topic, class: className, minProbability } = entry as Record<string, unknown>;
    if (typeof topic !== 'string') problems.push(`${where}.topic is missing or not a string`);
    else checkTopicName(topic, `${where}.topic`, problems);
    if (typeof className !== 'string' || className === '') problems.push(`${where}.class is missing or not a string`);
    if (typeof minProbability !== 'number' || !(minProbability >= 0 && minProbability <= 1)) {
      problems.push(`${where}.minProbability must be a number from 0 to 1, got ${JSON.stringify(minProbability)}`);
    }
    filters.push({ topic: String(topic), class: String(className), minProbability: Number(minProbability) });
  });
  return filters;
}

function saslSettings(pick: (key: SettingKey) => Sourced | undefined, problems: string[]): SaslSettings | undefined {
  const mechanismSetting = pick('saslMechanism');
  const username = pick('saslUsername');
  const password = pick('saslPassword');
  if (mechanismSetting === undefined) {
    if (username !== undefined || password !== undefined) {
      problems.push(`SASL credentials are set but ${ENVIRONMENT_VARIABLES.saslMechanism} is not; set it to one of ${SASL_MECHANISMS.join(', ')}`);
    }
    return undefined;
  }

  const mechanism = stringSetting(mechanismSetting, problems)?.toLowerCase();
  if (mechanism !== undefined && !(SASL_MECHANISMS as readonly string[]).includes(mechanism)) {
    problems.push(`${mechanismSetting.source} "${mechanism}" is not a supported SASL mechanism (supported: ${SASL_MECHANISMS.join(', ')})`);
  }
  if (username === undefined) problems.push(`SASL is enabled but the user name is missing: set ${ENVIRONMENT_VARIABLES.saslUsername}`);
  // The password's value never goes into a message.
  if (password === undefined) problems.push(`SASL is enabled but the password is missing: set ${ENVIRONMENT_VARIABLES.saslPassword}`);
  else if (typeof password.value !== 'string') problems.push(`${password.source} must be a string`);

  return {
    mechanism: mechanism as SaslMechanism,
    username: stringSetting(username, problems) ?? '',
    password: typeof password?.value === 'string' ? password.value : '',
  };
}

function tlsSettings(pick: (key: SettingKey) => Sourced | undefined, problems: string[]): TlsSettings | undefined {
  const enabledSetting = pick('tls');
  const files = {
    caFile: pick('tlsCaFile'),
    certFile: pick('tlsCertFile'),
    keyFile: pick('tlsKeyFile'),
  };
  const anyFile = Object.values(files).some((file) => file !== undefined);

  let enabled: boolean | undefined;
  if (enabledSetting !== undefined) {
    enabled = booleanSetting(enabledSetting, problems);
    if (enabled === false && anyFile) {
      problems.push(`${enabledSetting.source} is false but TLS files are set; remove the files or enable TLS`);
    }
  }
  if (enabled === false || (enabled === undefined && !anyFile)) return undefined;

  const tls: TlsSettings = {};
  for (const [key, setting] of Object.entries(files) as Array<[keyof TlsSettings, Sourced | undefined]>) {
    const path = stringSetting(setting, problems);
    if (path !== undefined) tls[key] = readableFile(path, setting!.source, problems);
  }
  if ((files.certFile === undefined) !== (files.keyFile === undefined)) {
    problems.push(`a TLS client certificate needs both ${ENVIRONMENT_VARIABLES.tlsCertFile} and ${ENVIRONMENT_VARIABLES.tlsKeyFile}`);
  }
  return tls;
}

function booleanSetting(setting: Sourced, problems: string[]): boolean | undefined {
  if (typeof setting.value === 'boolean') return setting.value;
  const text = String(setting.value).trim().toLowerCase();
  if (text === 'true' || text === '1') return true;
  if (text === 'false' || text === '0') return false;
  problems.push(`${setting.source} must be true or false, got ${JSON.stringify(setting.value)}`);
  return undefined;
}

function readableFile(path: string, source: string, problems: string[]): string {
  const absolute = resolve(path);
  try {
    accessSync(absolute, constants.R_OK);
  } catch (error) {
    problems.push(`${source}: file ${absolute} cannot be read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
  }
  return absolute;
}

/**
 * Output, dead-letter and changelog topics must differ from each other and from the inputs, and
 * filter topics from all of them. Several filters may share one topic.
 */
function checkTopicsDistinct(config: Partial<StreamConfig>, problems: string[]): void {
  const roles = new Map<string, string>();
  const claim = (topic: string | undefined, role: string): void => {
    if (topic === undefined || topic === '') return;
    const earlier = roles.get(topic);
    if (earlier !== undefined) problems.push(`topic "${topic}" is both the ${earlier} and the ${role}; give each role its own topic`);
    else roles.set(topic, role);
  };

  for (const topic of config.inputTopics ?? []) claim(topic, 'input topic');
  claim(config.outputTopic, 'output topic');
  claim(config.deadLetterTopic, 'dead-letter topic');
  claim(config.changelogTopic, 'changelog topic');
  for (const filter of config.filters ?? []) {
    const role = roles.get(filter.topic);
    if (role !== undefined) problems.push(`filter topic "${filter.topic}" is also the ${role}; give the filter its own topic`);
  }

  if (config.inputPattern !== undefined) {
    const written = [...roles.keys(), ...(config.filters ?? []).map((filter) => filter.topic)];
    for (const topic of written) {
      if (config.inputPattern.test(topic)) problems.push(`topic "${topic}" matches the input pattern ${config.inputPattern}, so the service would consume its own output`);
    }
  }
}

/** Returns the settings as safe to log: the SASL password and the TLS key contents never appear. */
export function describeConfig(config: StreamConfig): Record<string, unknown> {
  return {
    brokers: config.brokers,
    clientId: config.clientId,
    inputTopics: config.inputTopics,
    inputPattern: config.inputPattern?.source,
    outputTopic: config.outputTopic,
    deadLetterTopic: config.deadLetterTopic,
    changelogTopic: config.changelogTopic,
    groupId: config.groupId,
    stateDir: config.stateDir,
    modelDir: config.modelDir,
    gateFile: config.gateFile,
    batchSize: config.batchSize,
    filters: config.filters,
    sasl: config.sasl === undefined ? undefined : { mechanism: config.sasl.mechanism, username: config.sasl.username },
    tls: config.tls === undefined ? undefined : { ...config.tls },
    metricsHost: config.metricsHost,
    metricsPort: config.metricsPort,
  };
}
