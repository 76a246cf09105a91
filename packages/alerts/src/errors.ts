/**
 * Reason an alert could not be read: a stable string written to rejected.ndjson and dead-letter
 * records, so operators can count rejects by reason.
 */
export type RejectReason =
  | 'empty'
  | 'truncated'
  | 'not-avro'
  | 'unsupported-codec'
  | 'invalid-schema'
  | 'corrupt-block'
  | 'unknown-schema'
  | 'missing-field'
  | 'invalid-value'
  | 'too-large';

/**
 * Raised when alert bytes cannot be turned into an Alert. Never retriable: the same bytes fail
 * the same way, so callers reject or dead-letter them instead of trying again.
 */
export class AlertDecodeError extends Error {
  readonly reason: RejectReason;
  readonly retriable = false;

  constructor(reason: RejectReason, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'AlertDecodeError';
    this.reason = reason;
  }
}
