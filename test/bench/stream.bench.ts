/**
 * End-to-end throughput and latency of `lightbridge serve`, input topic to output topic, beside a
 * plain consume-and-forward of the same messages (stream-forward.ts) measured in the same run as
 * the ceiling. The input is the real ZTF alerts of the shared data, re-encoded as distinct
 * objects and alerts until there are --alerts of them, produced with replayAlerts.
 *
 * Two loads: (a) a fixed offered load, by default the Rubin peak of 40,000 alerts per 60 s visit,
 * with the consumer running while replay paces the input. (b) Maximum load: everything is
 * produced first, and the consumer then drains the backlog. Latency runs from each input message's
 * produce timestamp to the moment the bench reads its output. Serve and the forwarder each run as
 * a child process.
 *
 *   pnpm bench:stream [--alerts N] [--rate N] [--runs N] [--skip-serve]
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { createWriteStream, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { once } from 'node:events';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import { Kafka, logLevel, type Admin, type Consumer } from 'kafkajs';
import { classificationType } from '@lightbridge/pipeline';
import { replayAlerts, type SentMessage } from '../../services/cli/src/replay/replay.ts';
import { waitForLeaders } from '../../services/cli/src/replay/topic.ts';
import { loadRealAlerts, writeCopiesArchive } from './real-alerts.ts';
import { startKafka } from '../support/kafka.ts';
import { REPOSITORY_ROOT, sharedDataPath } from '../support/shared-data.ts';

const { values } = parseArgs({
  options: {
    alerts: { type: 'string', default: '100000' },
    rate: { type: 'string', default: String(40_000 / 60) },
    runs: { type: 'string', default: '1' },
    'skip-serve': { type: 'boolean', default: false },
  },
});
const totalAlerts = positive(values.alerts, 'alerts');
const offeredRate = positive(values.rate, 'rate');
const runs = positive(values.runs, 'runs');

const PARTITIONS = 3;
// A system that has read nothing new for this long has stopped, and its row reports what arrived.
const STALL_TIMEOUT_MS = 120_000;
const READY_TIMEOUT_MS = 180_000;

type SystemName = 'forward' | 'serve';
type Load = 'fixed' | 'max';

interface Measurement {
  system: SystemName;
  load: Load;
  /** Rate at which replay produced the input: at the fixed load, the offered load actually reached. */
  offeredPerSecond: number;
  alerts: number;
  /** Outputs per second between the first and the last output read. */
  alertsPerSecond: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
  /** CPU time per alert in ms of the bench process (replay and output reader), the system, and the broker. */
  cpu: { bench: number; system: number; broker: number };
  /** Why the system did not deliver every alert, if it did not. */
  failure?: string;
}

// Clock ticks per second of /proc/<pid>/stat times (USER_HZ), 100 on Linux.
const CLOCK_TICKS_PER_SECOND = 100;

/** CPU seconds (user + system) a process has used so far, from /proc; NaN when unavailable. */
function processCpuSeconds(pid: number | undefined): number {
  if (pid === undefined) return Number.NaN;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the parenthesised command name; utime and stime are fields 14 and 15.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS_PER_SECOND;
  } catch {
    return Number.NaN;
  }
}

/** Reads the pid of the local broker that deploy/kafka/start.sh started on this port, if it is one. */
function brokerPid(brokers: string[]): number | undefined {
  const port = brokers[0]?.split(':').at(-1);
  try {
    return Number(readFileSync(join(tmpdir(), `lightbridge-kafka-${port}`, 'kafka.pid'), 'utf8').trim());
  } catch {
    return undefined;
  }
}

/** CPU seconds used by the bench process, the system under test and the broker since construction. */
class CpuMeter {
  private readonly bench = process.cpuUsage();
  private readonly broker: number;

  constructor(private readonly brokerProcess: number | undefined) {
    this.broker = processCpuSeconds(brokerProcess);
  }

  /** Returns ms per alert; call before the system's process is stopped. */
  perAlert(systemPid: number | undefined, alerts: number): Measurement['cpu'] {
    const bench = process.cpuUsage(this.bench);
    return {
      bench: ((bench.user + bench.system) / 1e3) / alerts,
      system: (processCpuSeconds(systemPid) * 1e3) / alerts,
      broker: ((processCpuSeconds(this.brokerProcess) - this.broker) * 1e3) / alerts,
    };
  }
}

function positive(value: string | undefined, name: string): number {
  const number = Number(value);
  if (!Number.isFinite(number) || number <= 0) throw new Error(`--${name} must be a positive number, got "${value}"`);
  return number;
}

function median(numbers: number[]): number {
  const sorted = [...numbers].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

function percentile(sorted: Float64Array, fraction: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil(fraction * sorted.length) - 1)]!;
}

// --- Input ----------------------------------------------------------------------------------

// --- Systems under test -----------------------------------------------------------------------

interface RunningSystem {
  name: SystemName;
  groupId: string;
  process: ChildProcess;
  logFile: string;
  stateDir?: string;
}

function startSystem(name: SystemName, brokers: string[], input: string, output: string, work: string): RunningSystem {
  const groupId = `bench-${name}-${randomUUID().slice(0, 8)}`;
  const logFile = join(work, `${groupId}.log`);
  const log = createWriteStream(logFile);
  let args: string[];
  let stateDir: string | undefined;

  if (name === 'forward') {
    args = ['test/bench/stream-forward.ts', '--brokers', brokers.join(','), '--input', input, '--output', output, '--group', groupId];
  } else {
    stateDir = join(work, `${groupId}-state`);
    args = ['services/cli/src/main.ts', 'serve', '--brokers', brokers.join(','), '--input-topics', input, '--output-topic', output, '--group-id', groupId, '--state-dir', stateDir];
  }

  const child = spawn('node', ['--import', 'tsx', ...args], {
    cwd: REPOSITORY_ROOT,
    env: { ...process.env, LIGHTBRIDGE_LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout!.pipe(log);
  child.stderr!.pipe(log);
  return { name, groupId, process: child, logFile, stateDir };
}

/** Waits until the system's consumer group is Stable, that is, it has its partitions. */
async function waitUntilReady(admin: Admin, system: RunningSystem): Promise<void> {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (system.process.exitCode !== null) {
      throw new Error(`${system.name} exited with code ${system.process.exitCode} before joining its group; log: ${logTail(system.logFile)}`);
    }
    const { groups } = await admin.describeGroups([system.groupId]);
    if (groups[0]?.state === 'Stable' && groups[0].members.length > 0) return;
    await sleep(250);
  }
  throw new Error(`${system.name} did not join group ${system.groupId} within ${READY_TIMEOUT_MS / 1000} s; log: ${logTail(system.logFile)}`);
}

async function stopSystem(system: RunningSystem): Promise<void> {
  if (system.process.exitCode === null && system.process.signalCode === null) {
    system.process.kill('SIGTERM');
    const exited = once(system.process, 'exit');
    const timedOut = sleep(30_000).then(() => 'timeout');
    if ((await Promise.race([exited, timedOut])) === 'timeout') {
      system.process.kill('SIGKILL');
      await exited;
    }
  }
  if (system.stateDir !== undefined) rmSync(system.stateDir, { recursive: true, force: true });
}

function logTail(path: string): string {
  try {
    return readFileSync(path, 'utf8').trim().split('\n').slice(-5).join('\n');
  } catch {
    return '(no log)';
  }
}

// --- Output reader ----------------------------------------------------------------------------

/**
 * Reads the output topic from the beginning and records when each output arrived. Latency is
 * read time minus the produce time of its input. Forwarded messages keep the input's timestamp.
 * A serve record is matched to its input by candid once the run is over, because serve can
 * publish a record before replay has seen the acknowledgement of its input.
 */
class OutputReader {
  firstReadAt = Number.NaN;
  lastReadAt = Number.NaN;
  private readonly reads: Array<{ readAt: number; producedAt?: number; candid?: string }> = [];
  private consumer: Consumer;

  constructor(
    client: Kafka,
    private readonly topic: string,
    private readonly system: SystemName,
  ) {
    this.consumer = client.consumer({ groupId: `bench-reader-${randomUUID().slice(0, 8)}`, maxBytesPerPartition: 10 * 1024 * 1024 });
  }

  async start(): Promise<void> {
    await this.consumer.connect();
    await this.consumer.subscribe({ topic: this.topic, fromBeginning: true });
    await this.consumer.run({
      eachBatch: async ({ batch }) => {
        const readAt = Date.now();
        if (Number.isNaN(this.firstReadAt)) this.firstReadAt = readAt;
        this.lastReadAt = readAt;
        for (const message of batch.messages) {
          if (this.system === 'forward') {
            this.reads.push({ readAt, producedAt: Number(message.timestamp) });
          } else {
            const record = classificationType.fromBuffer(message.value!) as { candid: bigint };
            this.reads.push({ readAt, candid: String(record.candid) });
          }
        }
      },
    });
  }

  /** Waits until `count` outputs arrived, or until none arrived for STALL_TIMEOUT_MS. */
  async waitFor(count: number): Promise<string | undefined> {
    let seen = -1;
    let lastProgressAt = Date.now();
    while (this.reads.length < count) {
      if (this.reads.length !== seen) {
        seen = this.reads.length;
        lastProgressAt = Date.now();
      } else if (Date.now() - lastProgressAt > STALL_TIMEOUT_MS) {
        return `${this.reads.length} of ${count} outputs after no progress for ${STALL_TIMEOUT_MS / 1000} s`;
      }
      await sleep(200);
    }
    return undefined;
  }

  /** Returns the latency of each output in ms and the number of outputs that matched no input. */
  latencies(sentAt: Map<string, number>): { latencies: number[]; unmatched: number } {
    const latencies: number[] = [];
    let unmatched = 0;
    for (const read of this.reads) {
      const producedAt = read.producedAt ?? sentAt.get(read.candid!);
      if (producedAt === undefined) unmatched += 1;
      else latencies.push(read.readAt - producedAt);
    }
    return { latencies, unmatched };
  }

  async stop(): Promise<void> {
    await this.consumer.disconnect();
  }
}

// --- Phases ----------------------------------------------------------------------------------

class Bench {
  private readonly client: Kafka;
  private admin: Admin;
  private readonly brokerProcess: number | undefined;

  constructor(
    private readonly brokers: string[],
    private readonly archive: string,
    private readonly work: string,
  ) {
    this.client = new Kafka({ clientId: 'lightbridge-bench-stream', brokers, logLevel: logLevel.WARN });
    this.admin = this.client.admin();
    this.brokerProcess = brokerPid(brokers);
  }

  async open(): Promise<void> {
    await this.admin.connect();
  }

  /**
   * Replaces the admin client. kafkajs 2.2.4 keeps every topic it fetched metadata for and
   * refreshes them all later, so a client that saw a since-deleted topic can fail with
   * UNKNOWN_TOPIC_OR_PARTITION on an unrelated request.
   */
  private async renewAdmin(): Promise<void> {
    await this.admin.disconnect();
    this.admin = this.client.admin();
    await this.admin.connect();
  }

  async close(): Promise<void> {
    await this.admin.disconnect();
  }

  /** (a) The system runs first; replay then offers the input at the fixed rate. */
  async fixedLoad(system: SystemName): Promise<Measurement> {
    await this.renewAdmin();
    const input = await this.createTopic(`bench-in-fixed-${system}`);
    const output = await this.createTopic(`bench-out-fixed-${system}`);
    const sentAt = new Map<string, number>();
    const running = startSystem(system, this.brokers, input, output, this.work);
    const reader = new OutputReader(this.client, output, system);

    try {
      await waitUntilReady(this.admin, running);
      await reader.start();
      // Counted from here: the system's start (model load, group join) is not part of the load.
      const systemAtStart = processCpuSeconds(running.process.pid);
      const meter = new CpuMeter(this.brokerProcess);
      const offered = await this.replay(input, offeredRate, sentAt);
      const failure = await reader.waitFor(totalAlerts);
      const cpu = meter.perAlert(running.process.pid, totalAlerts);
      cpu.system -= (systemAtStart * 1e3) / totalAlerts;
      return measurement(system, 'fixed', offered.alertsPerSecond, cpu, reader, sentAt, failure && `${failure}; last log lines: ${logTail(running.logFile)}`);
    } finally {
      await reader.stop();
      await stopSystem(running);
      await this.deleteTopics([input, output], running.groupId);
    }
  }

  /** (b) Everything is produced first; the system then drains the backlog. */
  async maxLoad(systems: SystemName[]): Promise<Measurement[]> {
    await this.renewAdmin();
    const input = await this.createTopic('bench-in-max');
    const sentAt = new Map<string, number>();
    const results: Measurement[] = [];
    try {
      const produced = await this.replay(input, undefined, sentAt);
      console.log(`  backlog of ${produced.messages} alerts produced at ${produced.alertsPerSecond.toFixed(0)} alerts/s`);
      for (const system of systems) {
        results.push(await this.drain(system, input, produced.alertsPerSecond, sentAt).catch((error: unknown) => failedRow(system, 'max', error)));
      }
    } finally {
      await this.deleteTopics([input]);
    }
    return results;
  }

  private async drain(system: SystemName, input: string, producedPerSecond: number, sentAt: Map<string, number>): Promise<Measurement> {
    await this.renewAdmin();
    const output = await this.createTopic(`bench-out-max-${system}`);
    const reader = new OutputReader(this.client, output, system);
    await reader.start();
    // Counted from the system's start, model load and group join included.
    const meter = new CpuMeter(this.brokerProcess);
    const running = startSystem(system, this.brokers, input, output, this.work);
    try {
      const failure = await reader.waitFor(totalAlerts);
      const cpu = meter.perAlert(running.process.pid, totalAlerts);
      return measurement(system, 'max', producedPerSecond, cpu, reader, sentAt, failure && `${failure}; last log lines: ${logTail(running.logFile)}`);
    } finally {
      await reader.stop();
      await stopSystem(running);
      await this.deleteTopics([output], running.groupId);
    }
  }

  private async replay(topic: string, rate: number | undefined, sentAt: Map<string, number>) {
    const onSent = (messages: SentMessage[]): void => {
      for (const message of messages) sentAt.set(message.candid!, message.timestamp);
    };
    return replayAlerts({ inputs: [this.archive], topic, brokers: this.brokers, ratePerSecond: rate, onSent });
  }

  private async createTopic(prefix: string): Promise<string> {
    const topic = `${prefix}-${randomUUID().slice(0, 8)}`;
    await this.admin.createTopics({ topics: [{ topic, numPartitions: PARTITIONS }] });
    await waitForLeaders(this.admin, topic, 60_000);
    return topic;
  }

  /** Deletes the topics and those serve created for its group, so a long run does not fill the disk. */
  private async deleteTopics(topics: string[], groupId?: string): Promise<void> {
    const existing = await this.admin.listTopics();
    const created = existing.filter((topic) => topics.some((name) => topic.startsWith(`${name}.`)) || (groupId !== undefined && topic.startsWith(`${groupId}.`)));
    await this.admin.deleteTopics({ topics: [...topics, ...created] }).catch((error: unknown) => {
      console.warn(`deleting topics ${[...topics, ...created].join(', ')} failed: ${String(error)}`);
    });
  }
}

function measurement(
  system: SystemName,
  load: Load,
  offeredPerSecond: number,
  cpu: Measurement['cpu'],
  reader: OutputReader,
  sentAt: Map<string, number>,
  failure: string | undefined,
): Measurement {
  const { latencies, unmatched } = reader.latencies(sentAt);
  const sorted = Float64Array.from(latencies).sort();
  const seconds = (reader.lastReadAt - reader.firstReadAt) / 1000;
  const problems = [failure, unmatched > 0 ? `${unmatched} outputs matched no input candid` : undefined].filter((problem) => problem !== undefined);
  return {
    system,
    load,
    offeredPerSecond,
    alerts: latencies.length,
    alertsPerSecond: seconds > 0 ? (latencies.length + unmatched - 1) / seconds : Number.NaN,
    p50: percentile(sorted, 0.5),
    p95: percentile(sorted, 0.95),
    p99: percentile(sorted, 0.99),
    max: percentile(sorted, 1),
    cpu,
    failure: problems.length > 0 ? problems.join('; ') : undefined,
  };
}

// --- Report ----------------------------------------------------------------------------------

function printTable(results: Measurement[][]): void {
  const header = `${'system'.padEnd(18)}${'load'.padEnd(14)}${'input/s'.padStart(8)}${'alerts'.padStart(8)}${'alerts/s'.padStart(10)}${'p50 ms'.padStart(9)}${'p95 ms'.padStart(9)}${'p99 ms'.padStart(9)}${'max ms'.padStart(9)}${'rate ×ceil'.padStart(12)}${'p50 ×ceil'.padStart(11)}`;
  console.log(`\n${header}`);

  const rows = new Map<string, Measurement[]>();
  for (const run of results) {
    for (const row of run) rows.set(`${row.load}/${row.system}`, [...(rows.get(`${row.load}/${row.system}`) ?? []), row]);
  }

  for (const load of ['fixed', 'max'] as const) {
    const ceiling = rows.get(`${load}/forward`);
    for (const system of ['forward', 'serve'] as const) {
      const runsOfRow = rows.get(`${load}/${system}`);
      if (runsOfRow === undefined) continue;
      const pick = (field: 'offeredPerSecond' | 'alerts' | 'alertsPerSecond' | 'p50' | 'p95' | 'p99' | 'max', of: Measurement[] = runsOfRow) => median(of.map((row) => row[field]));
      const rate = pick('alertsPerSecond');
      const p50 = pick('p50');
      const rateRatio = ceiling === undefined ? Number.NaN : rate / pick('alertsPerSecond', ceiling);
      const p50Ratio = ceiling === undefined ? Number.NaN : p50 / pick('p50', ceiling);
      const label = system === 'forward' ? 'forward (ceiling)' : 'serve';
      const loadLabel = load === 'fixed' ? `${offeredRate.toFixed(0)}/s target` : 'max (backlog)';
      console.log(
        `${label.padEnd(18)}${loadLabel.padEnd(14)}${pick('offeredPerSecond').toFixed(0).padStart(8)}${pick('alerts').toFixed(0).padStart(8)}${rate.toFixed(0).padStart(10)}` +
          `${p50.toFixed(0).padStart(9)}${pick('p95').toFixed(0).padStart(9)}${pick('p99').toFixed(0).padStart(9)}${pick('max').toFixed(0).padStart(9)}` +
          `${rateRatio.toFixed(3).padStart(12)}${p50Ratio.toFixed(2).padStart(11)}`,
      );
      for (const row of runsOfRow) if (row.failure !== undefined) console.log(`  ${label}, ${load} load: ${row.failure}`);
    }
  }
  console.log(`\nCPU time per alert (ms), medians: ${'bench (replay + reader)'.padStart(24)}${'system'.padStart(9)}${'broker'.padStart(9)}`);
  for (const [key, runsOfRow] of rows) {
    const cpu = (field: 'bench' | 'system' | 'broker') => median(runsOfRow.map((row) => row.cpu[field])).toFixed(2);
    console.log(`${key.padEnd(35)}${cpu('bench').padStart(24)}${cpu('system').padStart(9)}${cpu('broker').padStart(9)}`);
  }
  console.log(
    '\ninput/s: rate at which replay produced the input (at max load, before the system started); ' +
      'alerts/s: outputs read per second between the first and the last output; ' +
      'latency: output read time minus input produce time; ×ceil: ratio to the forward row of the same load.',
  );
}

async function main(): Promise<void> {
  if (sharedDataPath('alerts') === undefined) return;
  const startedAt = performance.now();
  const realAlerts = loadRealAlerts();
  const meanKb = realAlerts.reduce((sum, alert) => sum + alert.bytes.length, 0) / realAlerts.length / 1024;
  console.log(`machine: ${cpus().length} × ${cpus()[0]?.model ?? 'unknown CPU'}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node.js ${process.version}`);
  console.log(`input: ${totalAlerts} alerts re-encoded from ${realAlerts.length} real ZTF alerts (mean ${meanKb.toFixed(1)} KB), ${PARTITIONS} partitions; ${runs} run(s), medians`);

  const work = mkdtempSync(join(tmpdir(), 'lightbridge-bench-stream-'));
  const archive = join(work, 'alerts.tar');
  await writeCopiesArchive(realAlerts, totalAlerts, archive);
  console.log(`archive of ${totalAlerts} alerts written in ${((performance.now() - startedAt) / 1000).toFixed(0)} s`);

  const systems: SystemName[] = values['skip-serve'] ? ['forward'] : ['forward', 'serve'];
  const kafka = await startKafka();
  const bench = new Bench(kafka.brokers, archive, work);
  const results: Measurement[][] = [];
  try {
    await bench.open();
    for (let run = 0; run < runs; run += 1) {
      const measured: Measurement[] = [];
      for (const system of systems) {
        console.log(`run ${run + 1}: ${system} at ${offeredRate.toFixed(0)} alerts/s offered`);
        measured.push(await bench.fixedLoad(system).catch((error: unknown) => failedRow(system, 'fixed', error)));
      }
      console.log(`run ${run + 1}: ${systems.join(' and ')} draining a backlog`);
      measured.push(...(await bench.maxLoad(systems)));
      results.push(measured);
    }
  } finally {
    await bench.close();
    await kafka.stop();
    rmSync(work, { recursive: true, force: true });
  }

  printTable(results);
  console.log(`\nbenchmark took ${((performance.now() - startedAt) / 60_000).toFixed(1)} min; peak RSS of the bench process ${(process.resourceUsage().maxRSS / 2 ** 20).toFixed(1)} GiB`);
}

function failedRow(system: SystemName, load: Load, error: unknown): Measurement {
  console.warn(`${system} at ${load} load failed: ${(error as Error).message}`);
  return { system, load, offeredPerSecond: Number.NaN, cpu: { bench: Number.NaN, system: Number.NaN, broker: Number.NaN }, alerts: 0, alertsPerSecond: Number.NaN, p50: Number.NaN, p95: Number.NaN, p99: Number.NaN, max: Number.NaN, failure: (error as Error).message };
}

await main();
