export type { DatasetReader, LabeledLightCurve, ReadStats } from './types.ts';
export { emptyReadStats } from './types.ts';
export { DatasetFormatError, readCsv, splitCsvLine, type CsvRecord } from './csv.ts';
export {
  magnitudeErrorToFluxError,
  magnitudeToMicrojansky,
  microjanskyToMagnitude,
  zeroPointToMicrojanskyScale,
  MICROJANSKY_ZERO_POINT,
} from './photometry.ts';
export { btsDataset, readBtsLabels, BTS_CLASSES } from './bts.ts';
export { snphotccDataset, readSnphotccMetadata, SNPHOTCC_CLASSES, FLUXCAL_ZERO_POINT, DETECTION_SNR } from './snphotcc.ts';
export { DATASETS, datasetByName } from './registry.ts';
export {
  chooseDetectionCounts,
  featureTableHeader,
  featureTableRows,
  formatNumber,
  DEFAULT_EPOCHS,
  EARLY_DETECTION_COUNTS,
  ID_COLUMNS,
  NAN_TEXT,
} from './feature-table.ts';
