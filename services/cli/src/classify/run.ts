import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { AlertDecodeError, decodeAlerts, readAlertInputs, type Alert } from '@lightbridge/alerts';
import { ZTF_FEATURES } from '@lightbridge/features';
import { type GateConfig } from '@lightbridge/gate';
import { LmdbLightCurveStore } from '@lightbridge/lightcurve';
import { loadModel } from '@lightbridge/model';
import { AlertClassifier, type PreparedAlert } from '@lightbridge/pipeline';
import { componentLogger } from '@lightbridge/telemetry';
import { ClassificationFiles } from './writers.ts';
import { Progress } from './progress.ts';
import { RunSummary } from './summary.ts';
import { type PendingAlert, ReorderBuffer } from './reorder.ts';

/** The model that ships with the repository, used when --model is not given. */
export const DEFAULT_MODEL_FOLDER = fileURLToPath(new URL('../../../../models/ztf-bts', import.meta.url));

export interface ClassifyOptions {
  /** Alert files, folders and archives. */
  paths: string[];
  /** Folder for classifications.ndjson, classifications.avro, rejected.ndjson and summary.json. */
  outDir: string;
  /** Folder of the light-curve store; a later run with the same folder continues from it. */
  stateDir: string;
  modelDir: string;
  gate?: GateConfig;
  /** Alerts scored per model call. */
  batchSize: number;
  /** Alerts held to be merged in time order (see ReorderBuffer); 0 merges in input order. */
  reorderWindow: number;
  progress: boolean;
}

const log = componentLogger('classify');

/**
 * Classifies every alert under the given paths and writes one record per alert. Every input that
 * yields no record is written to rejected.ndjson with its reason. Returns the run's counts.
 */
export async function classifyFiles(options: ClassifyOptions): Promise<RunSummary> {
  mkdirSync(options.outDir, { recursive: true });
  const model = await loadModel(options.modelDir, ZTF_FEATURES);
  const store = new LmdbLightCurveStore({ path: options.stateDir });
  const classifier = new AlertClassifier({ store, featureSet: ZTF_FEATURES, model, gate: options.gate });
  const files = new ClassificationFiles({
    ndjson: join(options.outDir, 'classifications.ndjson'),
    avro: join(options.outDir, 'classifications.avro'),
    rejected: join(options.outDir, 'rejected.ndjson'),
  });
  log.info({ paths: options.paths, outDir: options.outDir, stateDir: options.stateDir, model: model.manifest.modelVersion }, 'classify started');

  const summary = new RunSummary();
  const progress = new Progress(options.progress);
  const seen = new Map<string, string>();
  const reorder = new ReorderBuffer(options.reorderWindow);
  let batch: PreparedAlert[] = [];

  const process = async (pending: PendingAlert | undefined): Promise<void> => {
    if (pending === undefined) return;
    const prepared = await prepareOrReject(classifier, pending.alert, pending.source, files, summary);
    if (prepared !== undefined) batch.push(prepared);
    if (batch.length >= options.batchSize) {
      await writeBatch(classifier, batch, files, summary);
      batch = [];
    }
  };

  try {
    for await (const input of readAlertInputs(options.paths)) {
      summary.read += 1;
      const decoded = input.error === undefined ? decode(input.bytes) : { error: input.error };
      if (decoded.error !== undefined) {
        await reject(files, summary, { source: input.source, error: decoded.error });
      } else {
        summary.alerts += decoded.alerts.length;
        for (const alert of decoded.alerts) {
          if (await isDuplicate(alert, input.source, seen, files, summary)) continue;
          await process(reorder.push({ alert, source: input.source }));
        }
      }
      progress.update(summary.read, summary.rejected);
    }
    while (reorder.size > 0) await process(reorder.pop());
    await writeBatch(classifier, batch, files, summary);
  } finally {
    progress.done();
    await files.close();
    await store.close();
    await model.close();
  }

  summary.finish();
  writeFileSync(join(options.outDir, 'summary.json'), `${JSON.stringify(summary, null, 2)}\n`);
  log.info({ ...summary.toJSON() }, 'classify finished');
  return summary;
}

function decode(bytes: Buffer): { alerts: Alert[]; error?: undefined } | { error: Error } {
  try {
    return { alerts: decodeAlerts(bytes) };
  } catch (error) {
    return { error: error as Error };
  }
}

/** Rejects an alert whose candid an earlier input of this run already carried. */
async function isDuplicate(
  alert: Alert,
  source: string,
  seen: Map<string, string>,
  files: ClassificationFiles,
  summary: RunSummary,
): Promise<boolean> {
  const earlier = seen.get(alert.candid);
  if (earlier === undefined) {
    seen.set(alert.candid, source);
    return false;
  }
  const message = `candid ${alert.candid} was already classified from ${earlier}`;
  await reject(files, summary, { source, reason: 'duplicate', message, alert });
  return true;
}

async function prepareOrReject(
  classifier: AlertClassifier,
  alert: Alert,
  source: string,
  files: ClassificationFiles,
  summary: RunSummary,
): Promise<PreparedAlert | undefined> {
  try {
    return classifier.prepare(alert);
  } catch (error) {
    await reject(files, summary, { source, reason: 'processing-failed', message: (error as Error).message, alert });
    return undefined;
  }
}

async function writeBatch(
  classifier: AlertClassifier,
  batch: PreparedAlert[],
  files: ClassificationFiles,
  summary: RunSummary,
): Promise<void> {
  if (batch.length === 0) return;

  const records = await classifier.classify(batch);
  for (const record of records) {
    summary.countRecord(record);
    await files.writeClassification(record);
  }
}

interface Rejection {
  source: string;
  error?: Error;
  reason?: string;
  message?: string;
  alert?: Alert;
}

async function reject(files: ClassificationFiles, summary: RunSummary, rejection: Rejection): Promise<void> {
  const reason = rejection.reason ?? (rejection.error instanceof AlertDecodeError ? rejection.error.reason : 'unreadable');
  const message = rejection.message ?? rejection.error?.message ?? reason;
  summary.countRejected(reason);
  log.warn({ source: rejection.source, reason, objectId: rejection.alert?.objectId, candid: rejection.alert?.candid, err: message }, 'alert rejected');
  await files.writeRejected({
    source: rejection.source,
    reason,
    message,
    objectId: rejection.alert?.objectId,
    candid: rejection.alert?.candid,
  });
}
