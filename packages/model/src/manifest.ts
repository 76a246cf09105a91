import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ModelLoadError } from './errors.ts';

/** The description written beside every model by the trainer; see models/README.md. */
export interface ModelManifest {
  modelVersion: string;
  createdAt: string;
  survey: string;
  /** Training method, e.g. source-only or a domain adaptation method. */
  method: string;
  /** Version of the feature list the model was trained on; must equal the feature code's. */
  featureVersion: string;
  /** The model's input columns, in order, by feature name. */
  features: string[];
  /** Class names, in the order of the probability output's columns. */
  classes: string[];
  onnx: { file: string; input: string; probabilities: string };
  trainingData?: Record<string, unknown>;
  metrics?: Record<string, unknown>;
  regenerate?: string;
}

/** Reads and checks `manifest.json` in a model folder. Throws ModelLoadError naming the bad field. */
export function readManifest(folder: string): ModelManifest {
  const path = join(folder, 'manifest.json');
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new ModelLoadError(`model manifest ${path} cannot be read: ${(error as Error).message}`, { cause: error });
  }
  return validateManifest(parsed, path);
}

export function validateManifest(value: unknown, where: string): ModelManifest {
  if (value === null || typeof value !== 'object') throw new ModelLoadError(`${where} is not a JSON object`);
  const manifest = value as Record<string, unknown>;

  for (const field of ['modelVersion', 'createdAt', 'survey', 'method', 'featureVersion']) {
    if (typeof manifest[field] !== 'string' || manifest[field] === '') {
      throw new ModelLoadError(`${where}: "${field}" must be a non-empty string`);
    }
  }
  for (const field of ['features', 'classes']) {
    const list = manifest[field];
    if (!Array.isArray(list) || list.length === 0 || !list.every((item) => typeof item === 'string')) {
      throw new ModelLoadError(`${where}: "${field}" must be a non-empty list of strings`);
    }
    if (new Set(list).size !== list.length) throw new ModelLoadError(`${where}: "${field}" lists a name twice`);
  }
  const onnx = manifest.onnx as Record<string, unknown> | undefined;
  for (const field of ['file', 'input', 'probabilities']) {
    if (typeof onnx?.[field] !== 'string') throw new ModelLoadError(`${where}: "onnx.${field}" must be a string`);
  }
  return manifest as unknown as ModelManifest;
}
