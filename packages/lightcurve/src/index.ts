export type { KnownPoint, LightCurve } from './types.ts';
export { emptyLightCurve, lightCurveKnownAt, mergeAlert } from './merge.ts';
export { MemoryLightCurveStore, storeKey, type LightCurveStore } from './store.ts';
export { LmdbLightCurveStore, type LmdbStoreOptions } from './lmdb-store.ts';
