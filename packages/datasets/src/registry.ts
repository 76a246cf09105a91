import { btsDataset } from './bts.ts';
import { desCsvDataset, ztfCsvDataset } from './lightcurve-csv.ts';
import { snphotccDataset, snphotccPhotometricDataset, snphotccSpectroscopicDataset } from './snphotcc.ts';
import type { DatasetReader } from './types.ts';

/** Every data set reader, by its command-line name. */
export const DATASETS: Readonly<Record<string, DatasetReader>> = {
  [btsDataset.name]: btsDataset,
  [snphotccDataset.name]: snphotccDataset,
  [snphotccSpectroscopicDataset.name]: snphotccSpectroscopicDataset,
  [snphotccPhotometricDataset.name]: snphotccPhotometricDataset,
  [desCsvDataset.name]: desCsvDataset,
  [ztfCsvDataset.name]: ztfCsvDataset,
};

/** Returns the reader named `name`, or throws listing the known names. */
export function datasetByName(name: string): DatasetReader {
  const reader = DATASETS[name];
  if (reader === undefined) {
    throw new Error(`unknown dataset "${name}"; expected one of ${Object.keys(DATASETS).join(', ')}`);
  }
  return reader;
}
