import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { ZTF_FEATURES } from '@lightbridge/features';
import { loadModel, type Model } from '@lightbridge/model';

import { REPOSITORY_ROOT } from '../support/shared-data.ts';

const run = promisify(execFile);

const TRAINER_PYTHON = join(REPOSITORY_ROOT, 'services', 'trainer', '.venv', 'bin', 'python');
const ZTF_MODELS = join(REPOSITORY_ROOT, 'models', 'ztf-bts');

/** Maximum absolute difference allowed between the two runtimes' class probabilities. */
const TOLERANCE = 1e-5;

const ROWS = 300;

/** Returns true when the trainer venv exists; without it the test skips, except under CI=true. */
function trainerAvailable(): boolean {
  if (existsSync(TRAINER_PYTHON)) return true;
  if (process.env.CI === 'true') {
    throw new Error(`${TRAINER_PYTHON} is missing; CI must run bash services/trainer/setup.sh before the tests`);
  }
  console.warn(`skipping ONNX parity: ${TRAINER_PYTHON} is missing (run bash services/trainer/setup.sh)`);
  return false;
}

/**
 * Builds feature vectors in the feature code's layout with values spread over several scales and
 * about a fifth missing, so that rows take many different branches of the trees.
 */
function featureVectors(length: number, count: number): Float64Array[] {
  let state = 12345;
  const random = (): number => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 4294967296;
  };

  const vectors: Float64Array[] = [];
  for (let row = 0; row < count; row++) {
    const vector = new Float64Array(length);
    for (let i = 0; i < length; i++) {
      const scale = [1, 10, 100][Math.floor(random() * 3)];
      vector[i] = random() < 0.2 ? Number.NaN : (random() * 2 - 0.5) * scale;
    }
    vectors.push(vector);
  }
  return vectors;
}

/** Writes the model's input columns as CSV, each value rounded to float32 as the service sends it. */
function inputCsv(model: Model, vectors: Float64Array[]): string {
  const index = new Map(ZTF_FEATURES.names.map((name, i) => [name, i]));
  const columns = model.manifest.features.map((name) => index.get(name) as number);
  const lines = vectors.map((vector) => columns.map((column) => String(Math.fround(vector[column]))).join(','));
  return `${lines.join('\n')}\n`;
}

describe.skipIf(!trainerAvailable())('ONNX parity between onnxruntime-node and Python onnxruntime', () => {
  let dir: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'lightbridge-parity-'));
  });

  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('parity on the committed ZTF model', async () => {
    const model = await loadModel(ZTF_MODELS, ZTF_FEATURES);
    const vectors = featureVectors(ZTF_FEATURES.names.length, ROWS);
    await writeFile(join(dir, 'rows.csv'), inputCsv(model, vectors));

    const nodeScores = await model.score(vectors);
    await model.close();
    await run(TRAINER_PYTHON, [
      '-m', 'lightbridge_trainer', 'score',
      '--model', model.folder,
      '--features', join(dir, 'rows.csv'),
      '--out', join(dir, 'scores.csv'),
    ]);
    const pythonScores = (await readFile(join(dir, 'scores.csv'), 'utf8'))
      .trim()
      .split('\n')
      .map((line) => line.split(',').map(Number));

    let maxDifference = 0;
    for (let row = 0; row < ROWS; row++) {
      for (let k = 0; k < model.manifest.classes.length; k++) {
        maxDifference = Math.max(maxDifference, Math.abs(nodeScores[row][k] - pythonScores[row][k]));
      }
    }
    expect(pythonScores.length).toBe(ROWS);
    expect(pythonScores[0].length).toBe(model.manifest.classes.length);
    expect(new Set(pythonScores.map((scores) => scores.indexOf(Math.max(...scores)))).size).toBeGreaterThan(1);
    expect(maxDifference).toBeLessThanOrEqual(TOLERANCE);
  });
});
