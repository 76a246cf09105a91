import { cpSync, mkdtempSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ZTF_FEATURES } from '@lightbridge/features';
import { loadModel, ModelWatcher, resolveModelFolder, type Model } from '../src/index.ts';

const shipped = resolveModelFolder(fileURLToPath(new URL('../../../models/ztf-bts', import.meta.url)));

/** A model folder with CURRENT naming version v1, a copy of the shipped model. */
function modelFolder(): string {
  const folder = mkdtempSync(join(tmpdir(), 'lightbridge-watch-'));
  cpSync(shipped, join(folder, 'v1'), { recursive: true });
  writeFileSync(join(folder, 'CURRENT'), 'v1\n');
  return folder;
}

/** Adds a version folder whose manifest names `version`, optionally with a damaged ONNX file. */
function addVersion(folder: string, version: string, damaged = false): void {
  cpSync(shipped, join(folder, version), { recursive: true });
  const manifestPath = join(folder, version, 'manifest.json');
  const manifest = JSON.parse(readFileSync(manifestPath, 'utf8'));
  manifest.modelVersion = version;
  writeFileSync(manifestPath, JSON.stringify(manifest));
  if (damaged) writeFileSync(join(folder, version, manifest.onnx.file), 'not an onnx model');
}

/** Points CURRENT at a version by renaming a new file over it, as an operator should. */
function switchTo(folder: string, version: string): void {
  writeFileSync(join(folder, 'CURRENT.new'), `${version}\n`);
  renameSync(join(folder, 'CURRENT.new'), join(folder, 'CURRENT'));
}

async function startWatcher(folder: string) {
  const current = await loadModel(folder, ZTF_FEATURES);
  const reloads: Model[] = [];
  const failures: Error[] = [];
  const watcher = new ModelWatcher({
    folder,
    features: ZTF_FEATURES,
    current,
    onReload: (model) => reloads.push(model),
    onFailure: (error) => failures.push(error),
    pollIntervalMs: 60_000,
  });
  return { current, reloads, failures, watcher };
}

describe('ModelWatcher', () => {
  it('loads the version CURRENT switches to', async () => {
    const folder = modelFolder();
    const { reloads, failures, watcher } = await startWatcher(folder);
    addVersion(folder, 'v2');
    switchTo(folder, 'v2');
    await watcher.check();
    expect(reloads.map((model) => model.manifest.modelVersion)).toEqual(['v2']);
    expect(failures).toEqual([]);
    const rows = await reloads[0]!.score([new Float64Array(ZTF_FEATURES.names.length).fill(Number.NaN)]);
    expect(rows[0]!.length).toBe(reloads[0]!.manifest.classes.length);
    watcher.close();
  });

  it('does nothing when the folder is unchanged', async () => {
    const folder = modelFolder();
    const { reloads, failures, watcher } = await startWatcher(folder);
    await watcher.check();
    expect(reloads).toEqual([]);
    expect(failures).toEqual([]);
    watcher.close();
  });

  it('keeps the running model when the new one is broken', async () => {
    const folder = modelFolder();
    const { reloads, failures, watcher } = await startWatcher(folder);
    addVersion(folder, 'v3', true);
    switchTo(folder, 'v3');
    await watcher.check();
    await watcher.check();
    expect(reloads).toEqual([]);
    expect(failures.length).toBe(1);
    expect(failures[0]!.message).toMatch(/cannot be loaded/);

    addVersion(folder, 'v4');
    switchTo(folder, 'v4');
    await watcher.check();
    expect(reloads.map((model) => model.manifest.modelVersion)).toEqual(['v4']);
    watcher.close();
  });

  it('rejects a model with another feature version', async () => {
    const folder = modelFolder();
    const { reloads, failures, watcher } = await startWatcher(folder);
    addVersion(folder, 'v5');
    const manifestPath = join(folder, 'v5', 'manifest.json');
    const manifest = JSON.parse(readFileSync(manifestPath, 'utf8'));
    manifest.featureVersion = 'lightbridge-features/0 bands=g,r';
    writeFileSync(manifestPath, JSON.stringify(manifest));
    switchTo(folder, 'v5');
    await watcher.check();
    expect(reloads).toEqual([]);
    expect(failures[0]!.message).toMatch(/trained on features/);
    watcher.close();
  });

  it('notices a switch through the file-system event', async () => {
    const folder = modelFolder();
    const { reloads, watcher } = await startWatcher(folder);
    addVersion(folder, 'v6');
    switchTo(folder, 'v6');
    for (let i = 0; i < 100 && reloads.length === 0; i += 1) await new Promise((resolve) => setTimeout(resolve, 50));
    expect(reloads.map((model) => model.manifest.modelVersion)).toEqual(['v6']);
    watcher.close();
  });
});
