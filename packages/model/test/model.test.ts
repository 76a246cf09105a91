import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ZTF_FEATURES } from '@lightbridge/features';
import { loadModel, ModelLoadError, readManifest, resolveModelFolder } from '../src/index.ts';

const shippedModels = fileURLToPath(new URL('../../../models/ztf-bts', import.meta.url));

/** Copies the shipped model version to a temporary folder and lets `edit` change its manifest. */
function modelCopy(edit?: (manifest: Record<string, any>) => void): string {
  const source = resolveModelFolder(shippedModels);
  const folder = mkdtempSync(join(tmpdir(), 'lightbridge-model-'));
  cpSync(source, folder, { recursive: true });
  if (edit !== undefined) {
    const manifest = JSON.parse(readFileSync(join(folder, 'manifest.json'), 'utf8'));
    edit(manifest);
    writeFileSync(join(folder, 'manifest.json'), JSON.stringify(manifest));
  }
  return folder;
}

describe('loadModel', () => {
  it('scores a batch into rows that sum to 1', async () => {
    const model = await loadModel(shippedModels, ZTF_FEATURES);
    const vectors = [new Float64Array(ZTF_FEATURES.names.length).fill(Number.NaN), new Float64Array(ZTF_FEATURES.names.length).fill(1)];
    const rows = await model.score(vectors);
    expect(rows.length).toBe(2);
    for (const row of rows) {
      expect(row.length).toBe(model.manifest.classes.length);
      expect(Math.abs(row.reduce((sum, value) => sum + value, 0) - 1)).toBeLessThan(1e-5);
    }
    await model.close();
  });

  it('returns nothing for an empty batch', async () => {
    const model = await loadModel(shippedModels, ZTF_FEATURES);
    expect(await model.score([])).toEqual([]);
    await model.close();
  });

  it('uses features by name, not position', async () => {
    const model = await loadModel(shippedModels, ZTF_FEATURES);
    const vector = new Float64Array(ZTF_FEATURES.names.length).fill(Number.NaN);
    const [baseline] = await model.score([vector]);
    const unused = ZTF_FEATURES.names.findIndex((name) => !model.manifest.features.includes(name));
    expect(unused).toBeGreaterThanOrEqual(0);
    vector[unused] = 1e6;
    const [changed] = await model.score([vector]);
    expect(Array.from(changed!)).toEqual(Array.from(baseline!));
    await model.close();
  });

  it('rejects another feature version', async () => {
    const folder = modelCopy((manifest) => {
      manifest.featureVersion = 'lightbridge-features/0 bands=g,r';
    });
    await expect(loadModel(folder, ZTF_FEATURES)).rejects.toThrow(/trained on features "lightbridge-features\/0/);
  });

  it('rejects a feature the code does not compute', async () => {
    const folder = modelCopy((manifest) => {
      manifest.features[0] = 'g_colour_of_the_sky';
    });
    await expect(loadModel(folder, ZTF_FEATURES)).rejects.toThrow(/does not compute: g_colour_of_the_sky/);
  });

  it('rejects a wrong output name', async () => {
    const folder = modelCopy((manifest) => {
      manifest.onnx.probabilities = 'scores';
    });
    await expect(loadModel(folder, ZTF_FEATURES)).rejects.toThrow(ModelLoadError);
  });

  it('rejects a missing ONNX file', async () => {
    const folder = modelCopy((manifest) => {
      manifest.onnx.file = 'absent.onnx';
    });
    await expect(loadModel(folder, ZTF_FEATURES)).rejects.toThrow(/cannot be loaded/);
  });
});

describe('model folders and manifests', () => {
  it('follows CURRENT to a version folder', () => {
    const resolved = resolveModelFolder(shippedModels);
    expect(resolved.startsWith(shippedModels)).toBe(true);
    expect(readManifest(resolved).survey).toBe('ztf');
  });

  it('rejects a folder without a model', () => {
    expect(() => resolveModelFolder(mkdtempSync(join(tmpdir(), 'lightbridge-empty-')))).toThrow(/neither manifest.json nor a CURRENT file/);
  });

  it('rejects a CURRENT that points outside', () => {
    const folder = mkdtempSync(join(tmpdir(), 'lightbridge-current-'));
    writeFileSync(join(folder, 'CURRENT'), '../elsewhere\n');
    expect(() => resolveModelFolder(folder)).toThrow(/must hold the name of a version folder/);
  });

  it('rejects a manifest without classes', () => {
    const folder = modelCopy((manifest) => {
      delete manifest.classes;
    });
    expect(() => readManifest(folder)).toThrow(/"classes" must be a non-empty list/);
  });

  it('rejects a manifest that is not JSON', () => {
    const folder = modelCopy();
    writeFileSync(join(folder, 'manifest.json'), '{ not json');
    expect(() => readManifest(folder)).toThrow(/cannot be read/);
  });
});
