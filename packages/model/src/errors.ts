/**
 * Raised when a model folder cannot be used: missing or invalid manifest, missing ONNX file, or
 * a feature list that does not match the feature code. Not retriable: the folder must be fixed.
 */
export class ModelLoadError extends Error {
  readonly retriable = false;

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'ModelLoadError';
  }
}
