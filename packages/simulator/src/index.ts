export { simulateNight, nightToMjd, MAX_SIMULATED_OBJECTS, formatTruth, type SimulateOptions, type SimulationSummary, type TruthRow } from './simulate.ts';
export { SIMULATED_CLASSES, allocateClassCounts, type SimulatedClass } from './classes.ts';
export { ZTF_SIMULATED_ALERT_SCHEMA } from './ztf-schema.ts';
/** Container codecs the simulator writes; the same as the alert writer's. */
export type { ContainerCodec as SimulatorCodec } from '@lightbridge/alerts';
