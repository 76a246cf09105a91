import { join } from 'node:path';
import ort from 'onnxruntime-node';
import { ModelLoadError } from './errors.ts';
import { type ModelManifest, readManifest } from './manifest.ts';
import { resolveModelFolder } from './model-folder.ts';

/** The feature code's view that the model checks itself against. */
export interface FeatureLayout {
  version: string;
  names: readonly string[];
}

/** A loaded classifier: its manifest and a batch scoring function. */
export interface Model {
  readonly manifest: ModelManifest;
  readonly folder: string;
  /**
   * Scores feature vectors laid out as the feature code writes them (all features, in the
   * feature list's order). Returns one row of class probabilities (manifest.classes order) each.
   */
  score(vectors: readonly Float64Array[]): Promise<Float32Array[]>;
  close(): Promise<void>;
}

/**
 * Loads a model folder (see resolveModelFolder) with onnxruntime-node and checks that its
 * manifest matches the feature code: the same feature version and every model input present.
 * Throws ModelLoadError with the differences otherwise.
 */
export async function loadModel(folder: string, features: FeatureLayout): Promise<Model> {
  const modelFolder = resolveModelFolder(folder);
  const manifest = readManifest(modelFolder);
  const columns = featureColumns(manifest, features);

  let session: ort.InferenceSession;
  try {
    session = await ort.InferenceSession.create(join(modelFolder, manifest.onnx.file), {
      intraOpNumThreads: 1,
      interOpNumThreads: 1,
    });
  } catch (error) {
    throw new ModelLoadError(`ONNX model ${join(modelFolder, manifest.onnx.file)} cannot be loaded: ${(error as Error).message}`, { cause: error });
  }
  checkSessionNames(session, manifest, modelFolder);

  return {
    manifest,
    folder: modelFolder,
    score: (vectors) => scoreBatch(session, manifest, columns, vectors),
    close: () => session.release(),
  };
}

/** Maps each model input to its index in the feature vector; rejects version or name mismatches. */
function featureColumns(manifest: ModelManifest, features: FeatureLayout): Int32Array {
  if (manifest.featureVersion !== features.version) {
    throw new ModelLoadError(
      `model ${manifest.modelVersion} was trained on features "${manifest.featureVersion}", ` +
        `but this build computes "${features.version}"; retrain the model or use a matching build`,
    );
  }

  const index = new Map(features.names.map((name, i) => [name, i]));
  const missing = manifest.features.filter((name) => !index.has(name));
  if (missing.length > 0) {
    throw new ModelLoadError(
      `model ${manifest.modelVersion} expects features that this build does not compute: ${missing.join(', ')}`,
    );
  }
  return Int32Array.from(manifest.features, (name) => index.get(name)!);
}

function checkSessionNames(session: ort.InferenceSession, manifest: ModelManifest, folder: string): void {
  if (!session.inputNames.includes(manifest.onnx.input)) {
    throw new ModelLoadError(`${folder}: ONNX inputs are ${session.inputNames.join(', ')}, manifest names "${manifest.onnx.input}"`);
  }
  if (!session.outputNames.includes(manifest.onnx.probabilities)) {
    throw new ModelLoadError(
      `${folder}: ONNX outputs are ${session.outputNames.join(', ')}, manifest names "${manifest.onnx.probabilities}"`,
    );
  }
}

async function scoreBatch(
  session: ort.InferenceSession,
  manifest: ModelManifest,
  columns: Int32Array,
  vectors: readonly Float64Array[],
): Promise<Float32Array[]> {
  if (vectors.length === 0) return [];

  const width = columns.length;
  const input = new Float32Array(vectors.length * width);
  for (let row = 0; row < vectors.length; row += 1) {
    const vector = vectors[row]!;
    for (let column = 0; column < width; column += 1) {
      input[row * width + column] = vector[columns[column]!]!;
    }
  }

  const feeds = { [manifest.onnx.input]: new ort.Tensor('float32', input, [vectors.length, width]) };
  // NOTE: onnxruntime-node 1.23.2 returns the wrong output ("label") when run() is given the
  // list of outputs to fetch, so every output is computed and the probabilities picked by name.
  const outputs = await session.run(feeds);
  const probabilities = outputs[manifest.onnx.probabilities]!.data as Float32Array;

  const classes = manifest.classes.length;
  if (probabilities.length !== vectors.length * classes) {
    throw new ModelLoadError(
      `model ${manifest.modelVersion} returned ${probabilities.length} probabilities for ${vectors.length} rows of ${classes} classes`,
    );
  }
  const rows: Float32Array[] = [];
  for (let row = 0; row < vectors.length; row += 1) {
    rows.push(probabilities.slice(row * classes, (row + 1) * classes));
  }
  return rows;
}
