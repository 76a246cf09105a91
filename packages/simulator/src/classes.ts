export type TransientClass = 'Ia' | 'II' | 'Ibc' | 'SLSN' | 'other';
export type ImpostorClass = 'bogus' | 'star' | 'asteroid';
export type SimulatedClass = TransientClass | ImpostorClass;

/** Classes in the order objects are generated and reported. */
export const SIMULATED_CLASSES: readonly SimulatedClass[] = ['Ia', 'II', 'Ibc', 'SLSN', 'other', 'bogus', 'star', 'asteroid'];

/** Light-curve and colour parameters of one kind of transient, in the rest frame. */
export interface TransientParameters {
  /** Median and log-normal width (σ of ln) of the time from half maximum to peak, in days. */
  riseDays: { median: number; lnSigma: number };
  /** Median and log-normal width of the time from peak back down to half maximum, in days. */
  fadeDays: { median: number; lnSigma: number };
  /** Median and Gaussian σ of the peak absolute magnitude. */
  peakAbsMag: { median: number; sigma: number };
  /** g − r at and before peak, in mag. */
  colourAtPeak: number;
  /** Reddening of g − r after peak, in mag per rest-frame day, until it reaches colourMax. */
  colourSlopePerDay: number;
  colourMax: number;
}

/**
 * Parameters from the ZTF Bright Transient Survey (BTS) catalogue, an export of February 2021.
 * They were computed once over 2,168 of its classified objects that have ZTF light curves from
 * the ANTARES broker. Rise, fade and peak magnitude are per-class medians of the catalogue's
 * `rise`, `fade` and `peakabs`, with widths from the 16th and 84th percentiles. Rise and fade
 * are days from half maximum to peak and back, and they add up to the catalogue's `duration`.
 * The colours are medians of g − r over same-night g and r pairs of those light curves, binned by
 * days from the catalogue peak.
 * NOTE: the catalogue times are treated as rest-frame and stretched by (1 + z). That is exact
 * for no object, but at the catalogue's median z of 0.06 the difference is about 6 percent.
 */
export const TRANSIENT_PARAMETERS: Record<'Ia' | 'II' | 'Ibc' | 'SLSN' | 'TDE' | 'nova', TransientParameters> = {
  Ia: {
    riseDays: { median: 9.72, lnSigma: 0.288 },
    fadeDays: { median: 14.45, lnSigma: 0.264 },
    peakAbsMag: { median: -19.22, sigma: 0.39 },
    colourAtPeak: 0.0,
    colourSlopePerDay: 0.037,
    colourMax: 1.05,
  },
  II: {
    riseDays: { median: 11.31, lnSigma: 0.749 },
    fadeDays: { median: 24.41, lnSigma: 0.593 },
    peakAbsMag: { median: -17.81, sigma: 0.97 },
    colourAtPeak: 0.2,
    colourSlopePerDay: 0.013,
    colourMax: 0.9,
  },
  Ibc: {
    riseDays: { median: 11.02, lnSigma: 0.47 },
    fadeDays: { median: 12.15, lnSigma: 0.396 },
    peakAbsMag: { median: -17.79, sigma: 0.99 },
    colourAtPeak: 0.5,
    colourSlopePerDay: 0.025,
    colourMax: 1.05,
  },
  SLSN: {
    riseDays: { median: 32.11, lnSigma: 0.487 },
    fadeDays: { median: 23.93, lnSigma: 0.469 },
    peakAbsMag: { median: -21.09, sigma: 0.76 },
    colourAtPeak: -0.05,
    colourSlopePerDay: 0.011,
    colourMax: 0.6,
  },
  TDE: {
    riseDays: { median: 10.69, lnSigma: 0.484 },
    fadeDays: { median: 30.54, lnSigma: 0.408 },
    peakAbsMag: { median: -19.46, sigma: 0.51 },
    colourAtPeak: -0.2,
    colourSlopePerDay: 0.003,
    colourMax: 0.0,
  },
  nova: {
    riseDays: { median: 2.0, lnSigma: 0.663 },
    fadeDays: { median: 7.91, lnSigma: 1.028 },
    peakAbsMag: { median: -6.58, sigma: 0.41 },
    colourAtPeak: 0.3,
    colourSlopePerDay: 0.005,
    colourMax: 0.5,
  },
};

/** Share of TDEs among the "other" transients; the rest are novae (9 TDEs to 13 novae in the catalogue). */
export const TDE_SHARE_OF_OTHER = 9 / 22;

/**
 * Expected share of each class among simulated objects. The transient shares are the catalogue's
 * class fractions (Ia 73.3%, II 18.2%, Ibc 5.8%, SLSN 1.4%, other 1.3%) scaled to 80% of the
 * objects. The impostor shares are a choice of this simulator, not a measured rate.
 */
export const CLASS_FRACTIONS: Record<SimulatedClass, number> = {
  Ia: 0.8 * 0.7329,
  II: 0.8 * 0.1822,
  Ibc: 0.8 * 0.0577,
  SLSN: 0.8 * 0.0138,
  other: 0.8 * 0.0134,
  bogus: 0.08,
  star: 0.07,
  asteroid: 0.05,
};

/**
 * Splits a number of objects among the classes: one of each class first when there are enough
 * objects for that, then the rest by CLASS_FRACTIONS with the largest-remainder method. The
 * split depends only on the count, so every seed simulates the same number of each class.
 */
export function allocateClassCounts(objects: number): Record<SimulatedClass, number> {
  const counts = Object.fromEntries(SIMULATED_CLASSES.map((name) => [name, 0])) as Record<SimulatedClass, number>;
  let remaining = objects;
  if (objects >= SIMULATED_CLASSES.length) {
    for (const name of SIMULATED_CLASSES) counts[name] = 1;
    remaining -= SIMULATED_CLASSES.length;
  }

  const quotas = SIMULATED_CLASSES.map((name) => ({ name, quota: remaining * CLASS_FRACTIONS[name] }));
  let assigned = 0;
  for (const { name, quota } of quotas) {
    counts[name] += Math.floor(quota);
    assigned += Math.floor(quota);
  }

  const byRemainder = [...quotas].sort((a, b) => (b.quota % 1) - (a.quota % 1) || SIMULATED_CLASSES.indexOf(a.name) - SIMULATED_CLASSES.indexOf(b.name));
  for (let i = 0; i < remaining - assigned; i += 1) {
    counts[byRemainder[i]!.name] += 1;
  }
  return counts;
}
