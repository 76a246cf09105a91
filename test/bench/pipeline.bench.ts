/**
 * Throughput of the file pipeline and of each of its steps, on the real ZTF alerts of the shared
 * data repeated to at least 100,000 alerts. Every figure is a median over --runs repetitions and
 * is printed beside the decode-only rate measured in the same process, so figures from a noisy
 * machine can still be compared as ratios.
 *
 *   pnpm bench [--alerts N] [--runs N] [--skip-steps] [--skip-file-pipeline]
 */
import { createWriteStream, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { once } from 'node:events';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import tar from 'tar-stream';
import { type Alert, createAvroType, decodeAlerts, decodeContainer, encodeContainer } from '@lightbridge/alerts';
import { ZTF_FEATURES } from '@lightbridge/features';
import { LmdbLightCurveStore, mergeAlert } from '@lightbridge/lightcurve';
import { loadModel } from '@lightbridge/model';
import { classifyFiles, DEFAULT_MODEL_FOLDER } from '../../services/cli/src/classify/run.ts';
import { sharedDataPath, SHARED_DATA, ZTF_ALERT_FOLDERS } from '../support/shared-data.ts';
import { listAvroFiles } from '../../packages/alerts/test/helpers.ts';

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

/** Reads the real ZTF alert files that decode, as bytes, each candid once. */
function loadRealAlerts(): Buffer[] {
  const buffers: Buffer[] = [];
  const candids = new Set<string>();
  for (const folder of ZTF_ALERT_FOLDERS) {
    for (const file of listAvroFiles(join(SHARED_DATA, folder))) {
      const bytes = readFileSync(file);
      let candid: string;
      try {
        candid = decodeAlerts(bytes)[0]!.candid;
      } catch {
        continue; // Not a ZTF alert (the DECam packet); the benchmark uses decodable alerts only.
      }
      if (candids.has(candid)) continue;
      candids.add(candid);
      buffers.push(bytes);
    }
  }
  return buffers;
}

/** Gives repetition `copy` of an alert its own object id and candid, so repeated alerts are new objects. */
function renameAlert(alert: Alert, copy: number): Alert {
  if (copy === 0) return { ...alert, cutouts: {} };
  const candid = (BigInt(alert.candid) + BigInt(copy) * 10_000_000_000_000n).toString();
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

/** Writes the renamed copies as a tar archive of Avro files, the form of ZTF's nightly archives. */
async function writeArchive(buffers: Buffer[], copies: number, path: string): Promise<void> {
  const pack = tar.pack();
  const file = createWriteStream(path);
  pack.pipe(file);
  const decoded = buffers.map((bytes) => decodeContainer(bytes));
  const types = new Map<object, ReturnType<typeof createAvroType>>();
  const typeOf = (schema: object) => types.get(schema) ?? types.set(schema, createAvroType(schema)).get(schema)!;

  for (let copy = 0; copy < copies; copy += 1) {
    for (const container of decoded) {
      const record = container.records[0] as Record<string, any>;
      const offset = BigInt(copy) * 10_000_000_000_000n;
      const candid = (record.candid ?? record.candidate.candid) + offset;
      const renamed = {
        ...record,
        objectId: copy === 0 ? record.objectId : `${record.objectId}_${copy}`,
        candidate: { ...record.candidate, candid },
        ...('candid' in record ? { candid } : {}),
      };
      const bytes = encodeContainer(container.schema, [renamed], 'null', typeOf(container.schema));
      pack.entry({ name: `${candid}.avro`, size: bytes.length }, bytes);
      if (file.writableNeedDrain) await once(file, 'drain');
    }
  }
  pack.finalize();
  await once(file, 'finish');
}

async function measureFilePipeline(buffers: Buffer[], copies: number): Promise<{ rate: number; alerts: number }> {
  const work = mkdtempSync(join(tmpdir(), 'lightbridge-bench-files-'));
  const archive = join(work, 'night.tar');
  await writeArchive(buffers, copies, archive);

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
  const buffers = loadRealAlerts();
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
    for (let run = 0; run < runs; run += 1) pipeline.push((await measureFilePipeline(buffers, copies)).rate);
    row('whole file pipeline (tar → files)', median(pipeline));
  }
}

await main();
