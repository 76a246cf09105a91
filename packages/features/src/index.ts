import { createFeatureSet, type FeatureSet } from './feature-set.ts';

export { createFeatureSet, type FeatureSet } from './feature-set.ts';
export { FEATURE_LIST_VERSION, type FeatureDefinition } from './definitions.ts';
export { BazinFitter, type BazinResult } from './bazin.ts';

/** Features of ZTF alert light curves in bands g and r. */
export const ZTF_FEATURES: FeatureSet = createFeatureSet(['g', 'r']);
