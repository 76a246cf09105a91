import type { LightCurve } from '@lightbridge/lightcurve';

/** One object's light curve with its class, as read from a labeled data set. */
export interface LabeledLightCurve {
  lightCurve: LightCurve;
  /** Class name, one of the reader's `classes`. */
  label: string;
  /**
   * Part of the data set the object belongs to, as the data set defines it: for example the
   * spectroscopically confirmed training sample versus the photometric test sample.
   */
  subset: string;
}

/** Counters a reader fills in while it streams, for logs and provenance. */
export interface ReadStats {
  /** Photometry rows read, before duplicates were dropped. */
  rows: number;
  /** Objects yielded. */
  objects: number;
  /** Rows dropped because the object already had a point at the same MJD and band. */
  duplicatesDropped: number;
  /** Rows skipped because they hold no measurement (the data set's sentinel for a missing value). */
  rowsSkipped: number;
}

/** A reader of one labeled light-curve data set laid out as a folder of tables. */
export interface DatasetReader {
  /** Short name used on the command line (`--dataset`). */
  name: string;
  /** Survey written into each LightCurve. */
  survey: string;
  /** Band names of the light curves, in the order feature sets list them. */
  bands: readonly string[];
  /** Every label the reader can yield. */
  classes: readonly string[];
  /** Names of the files in the data set folder that the reader uses, for checksums. */
  files: readonly string[];
  /**
   * Streams the labeled light curves of the folder `dir`, one object at a time, in file order.
   * Throws on a malformed row with the file and line number.
   */
  read(dir: string, stats?: ReadStats): AsyncGenerator<LabeledLightCurve>;
}

export function emptyReadStats(): ReadStats {
  return { rows: 0, objects: 0, duplicatesDropped: 0, rowsSkipped: 0 };
}
