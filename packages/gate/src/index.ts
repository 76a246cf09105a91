export { DEFAULT_GATE_CONFIG, QUALITY_FLAGS, evaluateGate, type GateConfig, type GateResult, type QualityFlag } from './gate.ts';
export { mergeGateConfig, readGateConfig } from './config.ts';
