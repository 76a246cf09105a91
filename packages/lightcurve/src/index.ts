export type { LightCurve } from './types.ts';
