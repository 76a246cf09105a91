export type { KnownPoint, LightCurve } from './types.ts';
export { compareCandids, emptyLightCurve, lightCurveKnownAt, mergeAlert } from './merge.ts';
export { MemoryLightCurveStore, storeKey, type LightCurveStore } from './store.ts';
export { LmdbLightCurveStore, type LmdbStoreOptions } from './lmdb-store.ts';
