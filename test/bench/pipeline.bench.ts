/**
 * Throughput of the file pipeline and of each of its steps, on the real ZTF alerts of the shared
 * data repeated to at least 100,000 alerts. Every figure is a median over --runs repetitions and
 * is printed beside the decode-only rate measured in the same process, so figures from a noisy
 * machine can still be compared as ratios.
 *
 *   pnpm bench [--alerts N] [--runs N] [--skip-steps] [--skip-file-pipeline]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { type Alert, decodeAlerts } from '@lightbridge/alerts';
import { ZTF_FEATURES } from '@lightbridge/features';
import { LmdbLightCurveStore, mergeAlert } from '@lightbridge/lightcurve';
import { loadModel } from '@lightbridge/model';
import { classifyFiles, DEFAULT_MODEL_FOLDER } from '../../services/cli/src/classify/run.ts';
import { sharedDataPath } from '../support/shared-data.ts';
import { CANDID_COPY_OFFSET, loadRealAlerts, type RealAlert, writeCopiesArchive } from './real-alerts.ts';

const { values } = parseArgs({
  options: {
    alerts: { type: 'string', default: '100000' },
    runs: { type: 'string', default: '3' },
    'skip-file-pipeline': { type: 'boolean', default: false },
    'skip-steps': { type: 'boolean', default: false },
  },
});
const targetAlerts = Number(values.alerts);
const runs = Number(values.runs);
const SCORE_BATCH = 256;

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

function seconds(start: bigint): number {
  return Number(process.hrtime.bigint() - start) / 1e9;
}

/** Gives repetition `copy` of an alert its own object id and candid, so repeated alerts are new objects. */
function renameAlert(alert: Alert, copy: number): Alert {
  if (copy === 0) return { ...alert, cutouts: {} };
  const candid = (BigInt(alert.candid) + BigInt(copy) * CANDID_COPY_OFFSET).toString();
  return { ...alert, objectId: `${alert.objectId}_${copy}`, candid, candidate: { ...alert.candidate, sourceId: candid }, cutouts: {} };
}

function measureDecode(buffers: Buffer[], copies: number): number {
  const start = process.hrtime.bigint();
  let decoded = 0;
  for (let copy = 0; copy < copies; copy += 1) {
    for (const bytes of buffers) decoded += decodeAlerts(bytes).length;
  }
  return decoded / seconds(start);
}

interface StageRates {
  state: number;
  features: number;
  scoring: number;
}

async function measureStages(buffers: Buffer[], copies: number): Promise<StageRates> {
  const model = await loadModel(DEFAULT_MODEL_FOLDER, ZTF_FEATURES);
  const stateDir = mkdtempSync(join(tmpdir(), 'lightbridge-bench-state-'));
  const store = new LmdbLightCurveStore({ path: stateDir });
  const original = buffers.map((bytes) => decodeAlerts(bytes)[0]!);
  let stateSeconds = 0;
  let featureSeconds = 0;
  let scoringSeconds = 0;
  let count = 0;
  let pending: Float64Array[] = [];

  for (let copy = 0; copy < copies; copy += 1) {
    for (const source of original) {
      const alert = renameAlert(source, copy);

      let start = process.hrtime.bigint();
      const lightCurve = mergeAlert(store.get(alert.survey, alert.objectId), alert);
      store.put(lightCurve);
      stateSeconds += seconds(start);

      start = process.hrtime.bigint();
      pending.push(ZTF_FEATURES.extract(lightCurve, alert.context, alert.mjd));
      featureSeconds += seconds(start);
      count += 1;

      if (pending.length === SCORE_BATCH) {
        start = process.hrtime.bigint();
        await model.score(pending);
        scoringSeconds += seconds(start);
        pending = [];
      }
    }
  }
  const start = process.hrtime.bigint();
  await store.flush();
  stateSeconds += seconds(start);

  await store.close();
  await model.close();
  rmSync(stateDir, { recursive: true, force: true });
  return { state: count / stateSeconds, features: count / featureSeconds, scoring: count / scoringSeconds };
}

async function measureFilePipeline(realAlerts: RealAlert[], copies: number): Promise<{ rate: number; alerts: number }> {
  const work = mkdtempSync(join(tmpdir(), 'lightbridge-bench-files-'));
  const archive = join(work, 'night.tar');
  await writeCopiesArchive(realAlerts, copies * realAlerts.length, archive);

  const summary = await classifyFiles({
    paths: [archive],
    outDir: join(work, 'out'),
    stateDir: join(work, 'state'),
    modelDir: DEFAULT_MODEL_FOLDER,
    batchSize: SCORE_BATCH,
    reorderWindow: 2000,
    progress: false,
  });
  rmSync(work, { recursive: true, force: true });
  if (summary.rejected > 0) throw new Error(`file pipeline rejected ${summary.rejected} alerts: ${JSON.stringify(summary.rejectedByReason)}`);
  return { rate: summary.alertsPerSecond, alerts: summary.read };
}

async function main(): Promise<void> {
  if (sharedDataPath('alerts') === undefined) return;
  const realAlerts = loadRealAlerts();
  const buffers = realAlerts.map((alert) => alert.bytes);
  const copies = Math.ceil(targetAlerts / buffers.length);
  const total = copies * buffers.length;
  const meanKb = buffers.reduce((sum, bytes) => sum + bytes.length, 0) / buffers.length / 1024;
  console.log(`machine: ${cpus().length} × ${cpus()[0]?.model ?? 'unknown CPU'}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node.js ${process.version}`);
  console.log(`input: ${buffers.length} real ZTF alerts (mean ${meanKb.toFixed(1)} KB) × ${copies} = ${total} alerts; ${runs} runs, medians\n`);

  const decode: number[] = [];
  const stages: StageRates[] = [];
  for (let run = 0; run < runs; run += 1) {
    decode.push(measureDecode(buffers, copies));
    if (!values['skip-steps']) stages.push(await measureStages(buffers, copies));
  }
  const decodeRate = median(decode);
  const row = (name: string, rate: number) =>
    console.log(`${name.padEnd(34)}${rate.toFixed(0).padStart(10)} alerts/s   ${(rate / decodeRate).toFixed(3).padStart(7)} × decode`);
  console.log(`${'step'.padEnd(34)}${'median'.padStart(10)}             ratio`);
  row('decode (baseline)', decodeRate);
  if (stages.length > 0) {
    row('state update (merge + LMDB put)', median(stages.map((stage) => stage.state)));
    row('features', median(stages.map((stage) => stage.features)));
    row(`scoring (ONNX, batches of ${SCORE_BATCH})`, median(stages.map((stage) => stage.scoring)));
  }

  if (!values['skip-file-pipeline']) {
    const pipeline: number[] = [];
    for (let run = 0; run < runs; run += 1) pipeline.push((await measureFilePipeline(realAlerts, copies)).rate);
    row('whole file pipeline (tar → files)', median(pipeline));
  }
}

await main();
