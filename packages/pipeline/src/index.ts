export { AlertClassifier, type ClassifierOptions, type PreparedAlert } from './classifier.ts';
export {
  CLASSIFICATION_SCHEMA,
  classificationType,
  encodeClassification,
  toAvroRecord,
  toJsonLine,
  type ClassificationRecord,
} from './record.ts';
