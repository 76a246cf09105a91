import type { Alert } from '@lightbridge/alerts';
import type { FeatureSet } from '@lightbridge/features';
import { DEFAULT_GATE_CONFIG, evaluateGate, type GateConfig, type QualityFlag } from '@lightbridge/gate';
import { type LightCurveStore, lightCurveKnownAt, mergeAlert } from '@lightbridge/lightcurve';
import type { Model } from '@lightbridge/model';
import type { ClassificationRecord } from './record.ts';

/** An alert merged into its light curve, with features and quality flags, waiting for the model. */
export interface PreparedAlert {
  alert: Alert;
  features: Float64Array;
  flags: QualityFlag[];
  /** False when the gate kept the alert from the model. */
  score: boolean;
  nDetections: number;
  nNonDetections: number;
  nForcedPhotometry: number;
}

/** Steps of `AlertClassifier.prepare` that `onStage` reports. */
export type PrepareStage = 'state' | 'features' | 'gate';

export interface ClassifierOptions {
  store: LightCurveStore;
  featureSet: FeatureSet;
  model: Model;
  gate?: GateConfig;
  /**
   * Called during each `prepare` with the seconds spent in each step: state (merge into the
   * stored light curve), gate and features. Without it, prepare reads no clock.
   */
  onStage?: (stage: PrepareStage, seconds: number) => void;
}

/**
 * The steps shared by `classify` (files) and `serve` (Kafka): merge the alert into its light
 * curve, compute features as of the alert's time, apply the quality gate, score in batches.
 */
export class AlertClassifier {
  private readonly store: LightCurveStore;
  private readonly featureSet: FeatureSet;
  private readonly gate: GateConfig;
  private readonly onStage: ((stage: PrepareStage, seconds: number) => void) | undefined;
  private model: Model;

  constructor(options: ClassifierOptions) {
    this.store = options.store;
    this.featureSet = options.featureSet;
    this.model = options.model;
    this.gate = options.gate ?? DEFAULT_GATE_CONFIG;
    this.onStage = options.onStage;
  }

  get modelVersion(): string {
    return this.model.manifest.modelVersion;
  }

  /**
   * Merges the alert into the stored light curve and computes its features and flags. Only
   * points up to the alert's time, carried by alerts up to that time, count: an alert that
   * arrives late, or a second run over the same store, gets the record it would have had in order.
   */
  prepare(alert: Alert): PreparedAlert {
    const onStage = this.onStage;
    let started = onStage === undefined ? 0 : performance.now();

    const merged = mergeAlert(this.store.get(alert.survey, alert.objectId), alert);
    this.store.put(merged);
    const untilMjd = alert.mjd;
    const lightCurve = lightCurveKnownAt(merged, alert);
    const nDetections = countUntil(lightCurve.detections, untilMjd);
    const nNonDetections = countUntil(lightCurve.nonDetections, untilMjd);
    const nForcedPhotometry = countUntil(lightCurve.forcedPhotometry, untilMjd);
    if (onStage !== undefined) started = reportStage(onStage, 'state', started);

    const gate = evaluateGate(alert.context, nDetections, this.gate);
    if (onStage !== undefined) started = reportStage(onStage, 'gate', started);

    const features = this.featureSet.extract(lightCurve, alert.context, untilMjd);
    if (onStage !== undefined) reportStage(onStage, 'features', started);

    return { alert, features, flags: gate.flags, score: gate.score, nDetections, nNonDetections, nForcedPhotometry };
  }

  /** Scores the prepared alerts that passed the gate in one model call and builds every record. */
  async classify(batch: readonly PreparedAlert[]): Promise<ClassificationRecord[]> {
    const model = this.model;
    const scored = batch.filter((prepared) => prepared.score);
    const probabilities = await model.score(scored.map((prepared) => prepared.features));

    const byAlert = new Map<PreparedAlert, Float32Array>();
    scored.forEach((prepared, i) => byAlert.set(prepared, probabilities[i]!));
    return batch.map((prepared) => this.toRecord(prepared, model, byAlert.get(prepared)));
  }

  /** Replaces the model for later batches; a batch already in classify keeps the model it started with. */
  replaceModel(model: Model): void {
    this.model = model;
  }

  private toRecord(prepared: PreparedAlert, model: Model, row: Float32Array | undefined): ClassificationRecord {
    const { alert } = prepared;
    const probabilities = row === undefined ? null : probabilityMap(model.manifest.classes, row);
    return {
      objectId: alert.objectId,
      candid: alert.candid,
      survey: alert.survey,
      schemaVersion: alert.schemaVersion,
      alertMjd: alert.mjd,
      modelVersion: row === undefined ? null : model.manifest.modelVersion,
      featureVersion: this.featureSet.version,
      probabilities,
      predictedClass: probabilities === null ? null : argMax(probabilities),
      flags: prepared.flags,
      features: featureMap(this.featureSet.names, prepared.features),
      nDetections: prepared.nDetections,
      nNonDetections: prepared.nNonDetections,
      nForcedPhotometry: prepared.nForcedPhotometry,
      warnings: alert.warnings,
    };
  }
}

/** Reports the seconds since `started` (a performance.now() value) and returns the current time. */
function reportStage(onStage: (stage: PrepareStage, seconds: number) => void, stage: PrepareStage, started: number): number {
  const now = performance.now();
  onStage(stage, (now - started) / 1000);
  return now;
}

/** Counts the points of a time-sorted list with mjd <= untilMjd. */
function countUntil(points: readonly { mjd: number }[], untilMjd: number): number {
  let count = 0;
  while (count < points.length && points[count]!.mjd <= untilMjd) count += 1;
  return count;
}

/**
 * Rounds float32 model output to double and renormalises so the probabilities sum to 1 in
 * double precision (the float32 sum can be off by about 1e-7).
 */
function probabilityMap(classes: readonly string[], row: Float32Array): Record<string, number> {
  let total = 0;
  for (const value of row) total += value;
  const map: Record<string, number> = {};
  classes.forEach((name, i) => {
    map[name] = row[i]! / total;
  });
  return map;
}

function argMax(probabilities: Record<string, number>): string {
  let best = '';
  let bestValue = -Infinity;
  for (const [name, value] of Object.entries(probabilities)) {
    if (value > bestValue) {
      best = name;
      bestValue = value;
    }
  }
  return best;
}

function featureMap(names: readonly string[], values: Float64Array): Record<string, number> {
  const map: Record<string, number> = {};
  names.forEach((name, i) => {
    map[name] = values[i]!;
  });
  return map;
}

