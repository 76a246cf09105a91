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
export {
  snphotccDataset,
  snphotccPhotometricDataset,
  snphotccSpectroscopicDataset,
  readSnphotccMetadata,
  SNPHOTCC_CLASSES,
  FLUXCAL_ZERO_POINT,
  PHOTOMETRIC_SAMPLE,
  SPECTROSCOPIC_SAMPLE,
} from './snphotcc.ts';
export { collectForcedPhotometry, DETECTION_SNR } from './forced-photometry.ts';
export {
  createLightCurveCsvDataset,
  desCsvDataset,
  ztfCsvDataset,
  LIGHTCURVE_CSV_COLUMNS,
  LIGHTCURVE_CSV_FILE,
  type LightCurveCsvOptions,
} from './lightcurve-csv.ts';
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
export {
  readAlertLightCurves,
  targetPhotometryRows,
  writeTargetPhotometry,
  DETECTION_KIND,
  NON_DETECTION_KIND,
  TARGET_PHOTOMETRY_COLUMNS,
  type AlertPhotometryStats,
} from './alert-photometry.ts';
