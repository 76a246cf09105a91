export { ModelLoadError } from './errors.ts';
export { readManifest, validateManifest, type ModelManifest } from './manifest.ts';
export { resolveModelFolder } from './model-folder.ts';
export { loadModel, type FeatureLayout, type Model } from './model.ts';
export { ModelWatcher, type ModelWatcherOptions } from './watcher.ts';
