// A real Prometheus server for tests: Debian's `prometheus` binary on 127.0.0.1 with a free port,
// a temporary data folder and a generated configuration. Install it with
// `bash deploy/prometheus/install.sh`.

import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** The binary the Debian package installs; PROMETHEUS_BIN overrides it. */
const PROMETHEUS_BIN = process.env.PROMETHEUS_BIN ?? 'prometheus';

const READY_TIMEOUT_MS = 30_000;
const POLL_MS = 200;

export interface PrometheusOptions {
  /** host:port of each /metrics endpoint to scrape, all in job "lightbridge". */
  scrapeTargets: string[];
  /** Scrape and rule evaluation interval in seconds (default 1). */
  intervalSeconds?: number;
  /** Rule files to load, as absolute paths (for example deploy/prometheus/rules/lightbridge.rules.yml). */
  ruleFiles?: string[];
}

/** One sample of an instant query result. */
export interface PromSample {
  metric: Record<string, string>;
  value: number;
}

export interface PrometheusHandle {
  /** Base URL, for example http://127.0.0.1:40123. */
  url: string;
  /** Runs an instant query through /api/v1/query; throws on a query error or a non-vector result. */
  query(promql: string): Promise<PromSample[]>;
  /**
   * Repeats `query` until `accept` returns true for its samples, and returns them. After
   * `timeoutMs` it throws with the last samples, so a failing test shows what Prometheus returned.
   */
  waitFor(promql: string, accept: (samples: PromSample[]) => boolean, timeoutMs?: number): Promise<PromSample[]>;
  /** Stops the server and removes its data folder. */
  stop(): Promise<void>;
}

/** Returns whether the prometheus binary runs here, for tests that skip without it. */
export function prometheusAvailable(): boolean {
  try {
    execFileSync(PROMETHEUS_BIN, ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/**
 * Starts Prometheus scraping `scrapeTargets` every second and resolves once /-/ready returns
 * 200. Call stop() when done, also when the test fails.
 */
export async function startPrometheus(options: PrometheusOptions): Promise<PrometheusHandle> {
  const folder = mkdtempSync(join(tmpdir(), 'lightbridge-prometheus-'));
  const configFile = join(folder, 'prometheus.yml');
  writeFileSync(configFile, renderConfig(options));

  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const output: string[] = [];
  const child = spawn(
    PROMETHEUS_BIN,
    [
      `--config.file=${configFile}`,
      `--storage.tsdb.path=${join(folder, 'data')}`,
      `--web.listen-address=127.0.0.1:${port}`,
      '--storage.tsdb.retention.time=1h',
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  child.stdout?.on('data', (chunk: Buffer) => output.push(chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => output.push(chunk.toString()));

  const stop = async (): Promise<void> => {
    await stopChild(child);
    rmSync(folder, { recursive: true, force: true });
  };

  try {
    await waitUntilReady(url, child, output);
  } catch (error) {
    await stop();
    throw error;
  }

  const query = (promql: string): Promise<PromSample[]> => instantQuery(url, promql);
  return {
    url,
    query,
    waitFor: (promql, accept, timeoutMs = 20_000) => waitForSamples(query, promql, accept, timeoutMs),
    stop,
  };
}

/** Writes the YAML by hand: its few fields do not warrant a YAML library. */
function renderConfig(options: PrometheusOptions): string {
  const interval = `${options.intervalSeconds ?? 1}s`;
  const targets = options.scrapeTargets.map((target) => `          - ${JSON.stringify(target)}`).join('\n');
  const rules = (options.ruleFiles ?? []).map((file) => `  - ${JSON.stringify(file)}`).join('\n');
  return [
    'global:',
    `  scrape_interval: ${interval}`,
    `  evaluation_interval: ${interval}`,
    ...(rules === '' ? [] : ['rule_files:', rules]),
    'scrape_configs:',
    '  - job_name: lightbridge',
    `    scrape_timeout: ${interval}`,
    '    static_configs:',
    '      - targets:',
    targets === '' ? '          []' : targets,
    '',
  ].join('\n');
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const port = (server.address() as AddressInfo).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

async function waitUntilReady(url: string, child: ChildProcess, output: string[]): Promise<void> {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`prometheus exited (${child.exitCode ?? child.signalCode}) before it was ready:\n${output.join('').slice(-2000)}`);
    }
    try {
      const response = await fetch(`${url}/-/ready`);
      if (response.status === 200) return;
    } catch {
      // Not listening yet.
    }
    await sleep(POLL_MS);
  }
  throw new Error(`prometheus at ${url} was not ready after ${READY_TIMEOUT_MS} ms:\n${output.join('').slice(-2000)}`);
}

interface QueryResponse {
  status: 'success' | 'error';
  error?: string;
  data?: { resultType: string; result: { metric: Record<string, string>; value: [number, string] }[] };
}

async function instantQuery(url: string, promql: string): Promise<PromSample[]> {
  const response = await fetch(`${url}/api/v1/query?${new URLSearchParams({ query: promql })}`);
  const body = (await response.json()) as QueryResponse;
  if (body.status !== 'success' || body.data === undefined) {
    throw new Error(`query ${promql} failed with HTTP ${response.status}: ${body.error ?? 'no data'}`);
  }
  if (body.data.resultType !== 'vector') {
    throw new Error(`query ${promql} returned a ${body.data.resultType}, not an instant vector`);
  }
  return body.data.result.map((entry) => ({ metric: entry.metric, value: Number(entry.value[1]) }));
}

async function waitForSamples(
  query: (promql: string) => Promise<PromSample[]>,
  promql: string,
  accept: (samples: PromSample[]) => boolean,
  timeoutMs: number,
): Promise<PromSample[]> {
  const deadline = Date.now() + timeoutMs;
  let samples: PromSample[] = [];
  while (Date.now() < deadline) {
    samples = await query(promql);
    if (accept(samples)) return samples;
    await sleep(POLL_MS);
  }
  throw new Error(`query ${promql} did not return the expected samples within ${timeoutMs} ms; last result: ${JSON.stringify(samples)}`);
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
  await exited;
  clearTimeout(timer);
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
