import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { describeConfig, loadStreamConfig, StreamConfigError, type ConfigSources } from '../src/index.ts';

const folder = mkdtempSync(join(tmpdir(), 'lightbridge-stream-config-'));
const defaultModelDir = join(folder, 'model');

const minimalEnv = {
  LIGHTBRIDGE_KAFKA_BROKERS: '127.0.0.1:9092',
  LIGHTBRIDGE_INPUT_TOPICS: 'ztf_20260615_programid1',
  LIGHTBRIDGE_OUTPUT_TOPIC: 'lightbridge.classifications',
};

function load(sources: Partial<ConfigSources>) {
  return loadStreamConfig({ defaultModelDir, env: {}, ...sources });
}

/** Returns the problems of an invalid configuration; fails the test when it is valid. */
function problemsOf(sources: Partial<ConfigSources>): string[] {
  try {
    load(sources);
  } catch (error) {
    expect(error).toBeInstanceOf(StreamConfigError);
    return (error as StreamConfigError).problems;
  }
  throw new Error('configuration was accepted');
}

function writeJson(name: string, value: unknown): string {
  const path = join(folder, name);
  writeFileSync(path, JSON.stringify(value));
  return path;
}

describe('loadStreamConfig', () => {
  it('applies defaults', () => {
    const config = load({ env: minimalEnv });
    expect(config.brokers).toEqual(['127.0.0.1:9092']);
    expect(config.inputTopics).toEqual(['ztf_20260615_programid1']);
    expect(config.deadLetterTopic).toBe('lightbridge.classifications.dead-letter');
    expect(config.groupId).toBe('lightbridge-serve');
    expect(config.changelogTopic).toBe('lightbridge-serve.lightcurve-changelog');
    expect(config.batchSize).toBe(256);
    expect(config.modelDir).toBe(defaultModelDir);
    expect(config.filters).toEqual([]);
    expect(config.sasl).toBeUndefined();
    expect(config.tls).toBeUndefined();
  });

  it('lets options override environment and file', () => {
    const file = writeJson('precedence.json', { ...{ brokers: ['file:1'], outputTopic: 'file-out', groupId: 'file-group', batchSize: 10 } });
    const config = load({
      file,
      env: { LIGHTBRIDGE_KAFKA_BROKERS: 'env:2', LIGHTBRIDGE_GROUP_ID: 'env-group', LIGHTBRIDGE_INPUT_TOPICS: 'in' },
      overrides: { groupId: 'cli-group' },
    });
    expect(config.brokers).toEqual(['env:2']);
    expect(config.outputTopic).toBe('file-out');
    expect(config.groupId).toBe('cli-group');
    expect(config.batchSize).toBe(10);
    expect(config.changelogTopic).toBe('cli-group.lightcurve-changelog');
  });

  it('takes the input choice from the highest source', () => {
    const config = load({ env: minimalEnv, overrides: { inputPattern: '^ztf_\\d{8}_programid1$' } });
    expect(config.inputTopics).toBeUndefined();
    expect(config.inputPattern?.test('ztf_20260615_programid1')).toBe(true);
    expect(config.inputPattern?.test('ztf_2026061_programid1')).toBe(false);
  });

  it('reads nested sasl and tls from the file', () => {
    const ca = join(folder, 'ca.pem');
    writeFileSync(ca, 'not checked here');
    const file = writeJson('nested.json', {
      sasl: { mechanism: 'SCRAM-SHA-512', username: 'broker-user', password: 'file-secret' },
      tls: { enabled: true, caFile: ca },
    });
    const config = load({ file, env: minimalEnv });
    expect(config.sasl).toEqual({ mechanism: 'scram-sha-512', username: 'broker-user', password: 'file-secret' });
    expect(config.tls).toEqual({ caFile: ca });
  });

  it('reads filter topics', () => {
    const file = writeJson('filters.json', { filters: [{ topic: 'ia-candidates', class: 'Ia', minProbability: 0.7 }] });
    const config = load({ file, env: minimalEnv });
    expect(config.filters).toEqual([{ topic: 'ia-candidates', class: 'Ia', minProbability: 0.7 }]);
  });
});

describe('loadStreamConfig validation', () => {
  it('names missing brokers', () => {
    const problems = problemsOf({ env: { ...minimalEnv, LIGHTBRIDGE_KAFKA_BROKERS: undefined } });
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/brokers are missing/);
    expect(problems[0]).toContain('LIGHTBRIDGE_KAFKA_BROKERS');
  });

  it('names a broker without port', () => {
    const problems = problemsOf({ env: { ...minimalEnv, LIGHTBRIDGE_KAFKA_BROKERS: 'kafka.example' } });
    expect(problems[0]).toContain('LIGHTBRIDGE_KAFKA_BROKERS entry "kafka.example" is not host:port');
  });

  it('names a bad regular expression', () => {
    const problems = problemsOf({ env: { ...minimalEnv, LIGHTBRIDGE_INPUT_TOPICS: undefined, LIGHTBRIDGE_INPUT_PATTERN: '^ztf_(' } });
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/^LIGHTBRIDGE_INPUT_PATTERN is not a valid regular expression/);
  });

  it('rejects topics and pattern together', () => {
    const problems = problemsOf({ env: { ...minimalEnv, LIGHTBRIDGE_INPUT_PATTERN: '^ztf' } });
    expect(problems[0]).toContain('LIGHTBRIDGE_INPUT_TOPICS and LIGHTBRIDGE_INPUT_PATTERN are both set');
  });

  it('names missing input and output', () => {
    const problems = problemsOf({ env: { LIGHTBRIDGE_KAFKA_BROKERS: '127.0.0.1:9092' } });
    expect(problems).toHaveLength(2);
    expect(problems[0]).toMatch(/input topics are missing/);
    expect(problems[1]).toMatch(/output topic is missing/);
  });

  it('names an unknown SASL mechanism', () => {
    const problems = problemsOf({
      env: { ...minimalEnv, LIGHTBRIDGE_KAFKA_SASL_MECHANISM: 'gssapi', LIGHTBRIDGE_KAFKA_SASL_USERNAME: 'u', LIGHTBRIDGE_KAFKA_SASL_PASSWORD: 'p' },
    });
    expect(problems).toHaveLength(1);
    expect(problems[0]).toContain('LIGHTBRIDGE_KAFKA_SASL_MECHANISM "gssapi" is not a supported SASL mechanism');
  });

  it('requires SASL credentials', () => {
    const problems = problemsOf({ env: { ...minimalEnv, LIGHTBRIDGE_KAFKA_SASL_MECHANISM: 'plain' } });
    expect(problems).toHaveLength(2);
    expect(problems[0]).toContain('LIGHTBRIDGE_KAFKA_SASL_USERNAME');
    expect(problems[1]).toContain('LIGHTBRIDGE_KAFKA_SASL_PASSWORD');
  });

  it('rejects credentials without mechanism', () => {
    const problems = problemsOf({ env: { ...minimalEnv, LIGHTBRIDGE_KAFKA_SASL_PASSWORD: 'p' } });
    expect(problems[0]).toContain('LIGHTBRIDGE_KAFKA_SASL_MECHANISM is not');
  });

  it('names an unreadable TLS file', () => {
    const missing = join(folder, 'missing-ca.pem');
    const problems = problemsOf({ env: { ...minimalEnv, LIGHTBRIDGE_KAFKA_TLS: 'true', LIGHTBRIDGE_KAFKA_TLS_CA_FILE: missing } });
    expect(problems).toHaveLength(1);
    expect(problems[0]).toContain(`LIGHTBRIDGE_KAFKA_TLS_CA_FILE: file ${missing} cannot be read (ENOENT)`);
  });

  it('rejects a certificate without key', () => {
    const cert = join(folder, 'client.pem');
    writeFileSync(cert, 'certificate');
    const problems = problemsOf({ env: { ...minimalEnv, LIGHTBRIDGE_KAFKA_TLS_CERT_FILE: cert } });
    expect(problems[0]).toMatch(/needs both LIGHTBRIDGE_KAFKA_TLS_CERT_FILE and LIGHTBRIDGE_KAFKA_TLS_KEY_FILE/);
  });

  it('rejects an invalid TLS flag', () => {
    const problems = problemsOf({ env: { ...minimalEnv, LIGHTBRIDGE_KAFKA_TLS: 'yes' } });
    expect(problems[0]).toBe('LIGHTBRIDGE_KAFKA_TLS must be true or false, got "yes"');
  });

  it('names a probability outside 0 to 1', () => {
    const file = writeJson('bad-filter.json', {
      filters: [
        { topic: 'ia-candidates', class: 'Ia', minProbability: 1.5 },
        { topic: 'ii-candidates', class: 'II', minProbability: -0.1 },
      ],
    });
    const problems = problemsOf({ file, env: minimalEnv });
    expect(problems).toHaveLength(2);
    expect(problems[0]).toBe(`"filters" in ${file}[0].minProbability must be a number from 0 to 1, got 1.5`);
    expect(problems[1]).toContain('[1].minProbability must be a number from 0 to 1, got -0.1');
  });

  it('names an invalid topic name', () => {
    const problems = problemsOf({ env: minimalEnv, overrides: { outputTopic: 'bad topic' } });
    expect(problems[0]).toContain('--output-topic: "bad topic" is not a valid Kafka topic name');
  });

  it('rejects an output the pattern matches', () => {
    const problems = problemsOf({ env: { ...minimalEnv, LIGHTBRIDGE_INPUT_TOPICS: undefined, LIGHTBRIDGE_INPUT_PATTERN: '^lightbridge' } });
    expect(problems.length).toBeGreaterThanOrEqual(1);
    expect(problems[0]).toContain('matches the input pattern');
  });

  it('rejects an output equal to an input', () => {
    const problems = problemsOf({ env: { ...minimalEnv, LIGHTBRIDGE_OUTPUT_TOPIC: 'ztf_20260615_programid1' } });
    expect(problems[0]).toContain('is both the input topic and the output topic');
  });

  it('rejects a non-positive batch size', () => {
    const problems = problemsOf({ env: { ...minimalEnv, LIGHTBRIDGE_BATCH_SIZE: '0' } });
    expect(problems[0]).toBe('LIGHTBRIDGE_BATCH_SIZE must be a positive integer, got "0"');
  });

  it('names an unknown file key', () => {
    const file = writeJson('unknown-key.json', { outputTopics: 'x' });
    const problems = problemsOf({ file, env: minimalEnv });
    expect(problems[0]).toContain('unknown key "outputTopics"');
  });

  it('names an unreadable file', () => {
    const problems = problemsOf({ file: join(folder, 'missing.json'), env: minimalEnv });
    expect(problems[0]).toMatch(/configuration file .*missing\.json cannot be read as JSON/);
  });

  it('lists every problem at once', () => {
    const problems = problemsOf({ env: { LIGHTBRIDGE_BATCH_SIZE: 'many' } });
    expect(problems).toHaveLength(4);
  });
});

describe('secrets', () => {
  const secret = 'correct-horse-battery-staple';

  it('keep the password out of errors', () => {
    const problems = problemsOf({ env: { ...minimalEnv, LIGHTBRIDGE_KAFKA_SASL_MECHANISM: 'kerberos', LIGHTBRIDGE_KAFKA_SASL_PASSWORD: secret } });
    expect(problems.join('\n')).not.toContain(secret);
  });

  it('keep the password out of the description', () => {
    const config = load({
      env: { ...minimalEnv, LIGHTBRIDGE_KAFKA_SASL_MECHANISM: 'scram-sha-256', LIGHTBRIDGE_KAFKA_SASL_USERNAME: 'u', LIGHTBRIDGE_KAFKA_SASL_PASSWORD: secret },
    });
    expect(config.sasl?.password).toBe(secret);
    const described = JSON.stringify(describeConfig(config));
    expect(described).not.toContain(secret);
    expect(described).toContain('scram-sha-256');
  });
});

describe('loadStreamConfig metrics settings', () => {
  it('serves no telemetry without a port', () => {
    const config = load({ env: minimalEnv });
    expect(config.metricsHost).toBe('127.0.0.1');
    expect(config.metricsPort).toBeUndefined();
  });

  it('uses the default port of the caller', () => {
    const config = load({ env: minimalEnv, defaultMetricsPort: 9464 });
    expect(config.metricsPort).toBe(9464);
  });

  it('reads host and port from the environment', () => {
    const config = load({ env: { ...minimalEnv, LIGHTBRIDGE_METRICS_HOST: '0.0.0.0', LIGHTBRIDGE_METRICS_PORT: '9500' }, defaultMetricsPort: 9464 });
    expect(config.metricsHost).toBe('0.0.0.0');
    expect(config.metricsPort).toBe(9500);
  });

  it('reads host and port from the file', () => {
    const file = writeJson('metrics.json', { metricsHost: '::1', metricsPort: 0 });
    const config = load({ file, env: minimalEnv, defaultMetricsPort: 9464 });
    expect(config.metricsHost).toBe('::1');
    expect(config.metricsPort).toBe(0);
  });

  it('lets options override the environment', () => {
    const config = load({
      env: { ...minimalEnv, LIGHTBRIDGE_METRICS_PORT: '9500' },
      overrides: { metricsPort: '9600', metricsHost: 'localhost' },
    });
    expect(config.metricsPort).toBe(9600);
    expect(config.metricsHost).toBe('localhost');
  });

  it('rejects invalid ports', () => {
    for (const port of ['65536', '-1', '94.5', 'http']) {
      const problems = problemsOf({ env: { ...minimalEnv, LIGHTBRIDGE_METRICS_PORT: port } });
      expect(problems, `port ${port}`).toHaveLength(1);
      expect(problems[0], `port ${port}`).toMatch(/LIGHTBRIDGE_METRICS_PORT must be a TCP port from 0 to 65535/);
    }
  });

  it('rejects a port of the wrong type in the file', () => {
    const file = writeJson('metrics-bad.json', { metricsPort: [9464] });
    const problems = problemsOf({ file, env: minimalEnv });
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/"metricsPort" in .* must be a TCP port/);
  });

  it('rejects an invalid host', () => {
    const problems = problemsOf({ env: minimalEnv, overrides: { metricsHost: 'http://127.0.0.1' } });
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/--metrics-host "http:\/\/127.0.0.1" is not an IP address or host name/);
  });

  it('describes the metrics settings', () => {
    const described = describeConfig(load({ env: minimalEnv, defaultMetricsPort: 9464 }));
    expect(described.metricsHost).toBe('127.0.0.1');
    expect(described.metricsPort).toBe(9464);
  });
});
