export type { Alert, AlertContext, Band, Cutouts, Detection, ForcedPhotometry, NonDetection } from './types.ts';
export { AlertDecodeError, type RejectReason } from './errors.ts';
export { decodeContainer, DEFAULT_CONTAINER_LIMITS, type ContainerLimits, type DecodedContainer } from './avro/container.ts';
export { createAvroType, encodeContainer, type ContainerCodec } from './avro/writer.ts';
export { bigIntLongType } from './avro/long.ts';
export { decodeAlerts } from './decode.ts';
export { readAlertInputs, type AlertInput, type ReadOptions } from './input/files.ts';
