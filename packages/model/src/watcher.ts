import { statSync, watch, type FSWatcher } from 'node:fs';
import { join } from 'node:path';
import { componentLogger } from '@lightbridge/telemetry';
import { loadModel, type FeatureLayout, type Model } from './model.ts';
import { resolveModelFolder } from './model-folder.ts';

const log = componentLogger('model');

export interface ModelWatcherOptions {
  /** The model folder given to the service: a version folder, or a folder with CURRENT. */
  folder: string;
  features: FeatureLayout;
  /** The model already loaded from `folder`. */
  current: Model;
  /** Called with each newly loaded model; the caller switches to it for its next batch. */
  onReload: (model: Model, seconds: number) => void;
  /** Called when a new model was found but could not be loaded; the current one stays. */
  onFailure: (error: Error) => void;
  /** How often the folder is checked even without a file-system event, in milliseconds. */
  pollIntervalMs?: number;
}

/**
 * Watches a model folder and loads a new model when the folder it resolves to changes, for
 * example when CURRENT is rewritten to name a new version folder, or when manifest.json of a
 * version folder changes. A model is handed over only after it loaded completely and passed the
 * manifest and feature checks. A model that fails leaves the current one running.
 *
 * To publish a model safely, write its version folder completely, then replace CURRENT by
 * renaming a new file over it, so the watcher never sees a half-written model.
 */
export class ModelWatcher {
  private current: Model;
  private currentKey: string;
  private readonly watchers: FSWatcher[] = [];
  private readonly timer: NodeJS.Timeout;
  private checking: Promise<void> | undefined;
  private failedKey: string | undefined;
  private closed = false;

  constructor(private readonly options: ModelWatcherOptions) {
    this.current = options.current;
    this.currentKey = folderKey(options.current.folder);
    this.timer = setInterval(() => void this.check(), options.pollIntervalMs ?? 5_000);
    this.timer.unref();
    this.watchFolder(options.folder);
  }

  /** Checks the folder now and resolves when any reload it starts has finished. */
  check(): Promise<void> {
    if (this.closed) return Promise.resolve();
    this.checking ??= this.checkOnce().finally(() => {
      this.checking = undefined;
    });
    return this.checking;
  }

  close(): void {
    this.closed = true;
    clearInterval(this.timer);
    for (const watcher of this.watchers) watcher.close();
  }

  private watchFolder(folder: string): void {
    try {
      // Events only trigger an early check; the poll above catches whatever they miss.
      this.watchers.push(watch(folder, { persistent: false }, () => void this.check()));
    } catch (error) {
      log.warn({ folder, err: (error as Error).message }, 'cannot watch the model folder; relying on polling');
    }
  }

  private async checkOnce(): Promise<void> {
    let key: string;
    try {
      key = folderKey(this.options.folder);
    } catch (error) {
      this.fail(`unresolved:${(error as Error).message}`, error as Error);
      return;
    }
    if (key === this.currentKey || key === this.failedKey) return;

    const started = performance.now();
    let model: Model;
    try {
      model = await loadModel(this.options.folder, this.options.features);
    } catch (error) {
      this.fail(key, error as Error);
      return;
    }
    if (this.closed) {
      await model.close();
      return;
    }

    const previous = this.current;
    this.current = model;
    this.currentKey = key;
    this.failedKey = undefined;
    const seconds = (performance.now() - started) / 1000;
    log.info({ from: previous.manifest.modelVersion, to: model.manifest.modelVersion, folder: model.folder, seconds }, 'model reloaded');
    this.options.onReload(model, seconds);
  }

  /** Logs a rejected model once per distinct folder state, so a broken model is not retried every poll. */
  private fail(key: string, error: Error): void {
    if (key === this.failedKey) return;
    this.failedKey = key;
    log.error({ folder: this.options.folder, err: error.message, running: this.current.manifest.modelVersion }, 'new model rejected; keeping the running model');
    this.options.onFailure(error);
  }
}

/**
 * Identifies what a model folder currently points to: the version folder, and the time and size
 * of its manifest, so that a manifest rewritten in place counts as a new model too.
 */
function folderKey(folder: string): string {
  const resolved = resolveModelFolder(folder);
  const manifest = statSync(join(resolved, 'manifest.json'));
  return `${resolved}|${manifest.mtimeMs}|${manifest.size}`;
}
