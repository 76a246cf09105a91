export { simulateNight, nightToMjd, MAX_SIMULATED_OBJECTS, formatTruth, type SimulateOptions, type SimulationSummary, type TruthRow } from './simulate.ts';
export { SIMULATED_CLASSES, allocateClassCounts, type SimulatedClass } from './classes.ts';
export { ZTF_SIMULATED_ALERT_SCHEMA } from './ztf-schema.ts';
export type { SimulatorCodec } from './container.ts';
