/**
 * The survey-neutral alert model. Survey adapters (ztf/, later lsst/) turn a decoded Avro record
 * into an Alert; nothing downstream reads survey field names.
 *
 * Units: times are MJD (UTC for ZTF), fluxes are difference fluxes in microjansky (µJy), so
 * AB magnitude = 23.9 − 2.5 log10(flux / µJy). Ids are strings because ZTF's 64-bit ids exceed 2^53.
 */

/** Photometric band name as the survey writes it (ZTF: g, r, i). */
export type Band = string;

/** One detection in a difference image. */
export interface Detection {
  /** Unique id of the detection (ZTF candid). */
  sourceId: string;
  mjd: number;
  band: Band;
  /** Signed difference flux in µJy; negative when the source faded below the reference. */
  flux: number;
  /** 1σ error of flux in µJy. */
  fluxErr: number;
  /** PSF magnitude of the |difference| (ZTF magpsf). */
  mag: number;
  /** 1σ error of mag (ZTF sigmapsf). */
  magErr: number;
  /** False when the difference is negative (ZTF isdiffpos 'f' or '0'). */
  isDiffPos: boolean;
  /** Real/bogus score 0–1, NaN when the survey did not provide it. */
  rb: number;
  /** Deep-learning real/bogus score 0–1 (ZTF 3.3 and later), NaN when absent. */
  drb: number;
}

/** An image at the object's position with no detection: an upper limit. */
export interface NonDetection {
  mjd: number;
  band: Band;
  /** 5σ limiting AB magnitude of the difference image (ZTF diffmaglim). */
  limitingMag: number;
}

/** Forced photometry at the object's position, measured whether or not it was detected. */
export interface ForcedPhotometry {
  mjd: number;
  band: Band;
  /** Difference flux in µJy (ZTF forcediffimflux scaled with magzpsci). */
  flux: number;
  /** 1σ error of flux in µJy. */
  fluxErr: number;
}

/** Fields about the detection's surroundings that the quality gate and features use. NaN when absent. */
export interface AlertContext {
  ra: number;
  dec: number;
  /** Real/bogus score of the triggering detection. */
  rb: number;
  /** Deep real/bogus score of the triggering detection. */
  drb: number;
  /** Star/galaxy score of the nearest Pan-STARRS1 source: 0 galaxy … 1 star. */
  sgscore1: number;
  /** Distance to the nearest Pan-STARRS1 source in arcsec. */
  distpsnr1: number;
  /** Distance to the nearest known solar-system object in arcsec (NaN when none). */
  ssdistnr: number;
  /** Magnitude of that solar-system object (NaN when none). */
  ssmagnr: number;
  /** Number of detections at this position in the survey's history, including private data. */
  ndethist: number;
}

/** Image cutouts, kept as the survey's compressed bytes and never decoded on the hot path. */
export interface Cutouts {
  science?: Uint8Array;
  template?: Uint8Array;
  difference?: Uint8Array;
}

export interface Alert {
  survey: string;
  /** Version of the survey's alert schema (ZTF schemavsn or the header's version). */
  schemaVersion: string;
  objectId: string;
  /** Id of the triggering detection (ZTF candid); identifies the alert. */
  candid: string;
  /** Time of the triggering detection. */
  mjd: number;
  /** The triggering detection; also the last element added to detections. */
  candidate: Detection;
  /** Every detection in the packet (history plus candidate), in the order received. */
  detections: Detection[];
  nonDetections: NonDetection[];
  forcedPhotometry: ForcedPhotometry[];
  context: AlertContext;
  cutouts: Cutouts;
  /**
   * History points left out because they were unusable (for example a NaN magnitude or an
   * unknown filter), one message each. The alert itself is still valid.
   */
  warnings: string[];
}
