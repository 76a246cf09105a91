// Captures docs/img/dashboard.png from a real run. A Kafka broker (chosen as the tests choose it)
// feeds the `lightbridge serve` command, and a Prometheus with the project's rules scrapes its
// telemetry port every 5 s. Two `lightbridge replay` commands send a simulated night and the
// real ZTF alerts at a steady rate. render.py then draws the dashboard's own queries.
//
// Run from the repository root (needs Java for the broker, prometheus, the shared alerts and
// services/trainer/.venv with matplotlib):
//   node --import tsx deploy/grafana/render/capture.ts [--night-rate 2.5] [--real-rate 1.5]

import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { createKafka, loadStreamConfig } from '../../../packages/stream/src/index.ts';
import { startKafka } from '../../../test/support/kafka.ts';
import { startPrometheus } from '../../../test/support/prometheus.ts';
import { REPOSITORY_ROOT, SHARED_DATA, ZTF_ALERT_FOLDERS } from '../../../test/support/shared-data.ts';

const PARTITIONS = 3;
const SCRAPE_SECONDS = 5;
/** Time from the end of the replays to the end of the picture, which then shows the rates starting to fall. */
const SETTLE_MS = 60_000;
const READY_TIMEOUT_MS = 120_000;

const { values } = parseArgs({
  options: {
    'night-rate': { type: 'string', default: '2.5' },
    'real-rate': { type: 'string', default: '1.5' },
    objects: { type: 'string', default: '400' },
    out: { type: 'string', default: join(REPOSITORY_ROOT, 'docs/img/dashboard.png') },
  },
});

const children: ChildProcess[] = [];

/** Starts `pnpm lightbridge ARGS` from the repository root, with its output prefixed on standard error. */
function lightbridge(name: string, args: string[]): ChildProcess {
  const child = spawn('node', ['--import', 'tsx', 'services/cli/src/main.ts', ...args], {
    cwd: REPOSITORY_ROOT,
    env: { ...process.env, LIGHTBRIDGE_LOG_LEVEL: process.env.LIGHTBRIDGE_LOG_LEVEL ?? 'warn' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const forward = (chunk: Buffer): void => {
    for (const line of chunk.toString().split('\n')) {
      if (line.trim() !== '') process.stderr.write(`[${name}] ${line}\n`);
    }
  };
  child.stdout!.on('data', forward);
  child.stderr!.on('data', forward);
  children.push(child);
  return child;
}

function exited(child: ChildProcess, name: string): Promise<void> {
  return new Promise((resolve, reject) => {
    child.once('exit', (code, signal) => (code === 0 ? resolve() : reject(new Error(`${name} exited with ${code ?? signal}`))));
  });
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

async function waitForReady(url: string): Promise<void> {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  while (Date.now() < deadline) {
    const status = await fetch(`${url}/readyz`).then((response) => response.status, () => 0);
    if (status === 200) return;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  throw new Error(`serve at ${url} was not ready after ${READY_TIMEOUT_MS / 1000} s`);
}

async function main(): Promise<void> {
  const work = mkdtempSync(join(tmpdir(), 'lightbridge-capture-'));
  const kafka = await startKafka();
  let prometheus: Awaited<ReturnType<typeof startPrometheus>> | undefined;

  try {
    // A simulated night that ended yesterday (UTC), so the latency from observation is hours.
    const night = new Date(Date.now() - 86_400_000).toISOString().slice(0, 10);
    await exited(lightbridge('simulate', ['simulate', '--out', join(work, 'night'), '--night', night, '--objects', values.objects!]), 'simulate');

    const brokers = kafka.brokers.join(',');
    const input = `ztf_${night.replaceAll('-', '')}_programid1`;
    const config = loadStreamConfig({ env: {}, defaultModelDir: '.', overrides: { brokers, inputTopics: input, outputTopic: 'lightbridge.classifications' } });
    const admin = createKafka(config).admin();
    await admin.connect();
    await admin.createTopics({ waitForLeaders: true, topics: [{ topic: input, numPartitions: PARTITIONS }] });
    await admin.disconnect();

    const port = await freePort();
    lightbridge('serve', [
      'serve', '--brokers', brokers, '--input-topics', input, '--output-topic', 'lightbridge.classifications',
      '--filter', 'lightbridge.ia-candidates:Ia:0.5', '--state-dir', join(work, 'state'), '--metrics-port', String(port), '--batch-size', '64',
    ]);
    await waitForReady(`http://127.0.0.1:${port}`);

    const rulesFile = join(REPOSITORY_ROOT, 'deploy/prometheus/rules/lightbridge.rules.yml');
    prometheus = await startPrometheus({ scrapeTargets: [`127.0.0.1:${port}`], ruleFiles: [rulesFile], intervalSeconds: SCRAPE_SECONDS });
    // rate() cannot see an increase to a series' first sample, so Prometheus must scrape the
    // counters at 0 before the first message. Its first scrape comes up to one interval after start.
    await prometheus.waitFor('lightbridge_dead_letters_total', (samples) => samples.length > 0, 60_000);
    const start = Date.now() / 1000 - 30;
    process.stderr.write(`capture: serve on :${port}, Prometheus at ${prometheus.url}; replaying into ${input}\n`);

    const replay = (name: string, paths: string[], rate: string): Promise<void> =>
      exited(lightbridge(name, ['replay', ...paths, '--topic', input, '--brokers', brokers, '--rate', rate, '--no-progress']), name);
    await Promise.all([
      replay('replay-night', [join(work, 'night', 'alerts')], values['night-rate']!),
      replay('replay-real', ZTF_ALERT_FOLDERS.map((folder) => join(SHARED_DATA, folder)), values['real-rate']!),
    ]);
    await new Promise((resolve) => setTimeout(resolve, SETTLE_MS));

    const end = Date.now() / 1000;
    const python = join(REPOSITORY_ROOT, 'services/trainer/.venv/bin/python');
    await exited(
      spawn(python, ['deploy/grafana/render/render.py', '--prometheus', prometheus.url, '--start', String(start), '--end', String(end), '--step', String(SCRAPE_SECONDS), '--out', values.out!], {
        cwd: REPOSITORY_ROOT,
        stdio: 'inherit',
      }),
      'render.py',
    );
  } finally {
    for (const child of children) if (child.exitCode === null) child.kill('SIGTERM');
    await Promise.all(children.map((child) => (child.exitCode === null ? new Promise((resolve) => child.once('exit', resolve)) : undefined)));
    await prometheus?.stop();
    await kafka.stop();
    rmSync(work, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`capture failed: ${(error as Error).message}\n`);
  process.exitCode = 1;
});
