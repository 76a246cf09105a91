/**
 * The ordered feature list: names, units and one-sentence definitions.
 *
 * The layout is: one block of per-band features for each band in the set's order, then the
 * cross-band features (with one pair of colours per adjacent band pair), then the alert context.
 * The extractor writes each value at the offset computed here, so the two cannot disagree.
 */

export interface FeatureDefinition {
  name: string;
  unit: string;
  description: string;
}

/**
 * Version of the feature list. Bump it whenever a definition, a unit or the order changes,
 * because trained models are keyed by it.
 */
export const FEATURE_LIST_VERSION = '1';

/** Maximum time between the anchor point and the other band's point for a colour, in days. */
export const COLOUR_WINDOW_DAYS = 3;

/** Maximum time between two points of different bands that Stetson J pairs, in days (one hour). */
export const STETSON_PAIR_WINDOW_DAYS = 1 / 24;

/** Bounds of the Bazin rise and fall times, in days. */
export const BAZIN_TAU_MIN_DAYS = 0.5;
export const BAZIN_TAU_MAX_DAYS = 200;

interface FeatureTemplate {
  key: string;
  unit: string;
  describe: (band: string) => string;
}

const BAND_TEMPLATES = [
  { key: 'n_det', unit: 'count', describe: (b) => `Number of ${b}-band detections.` },
  {
    key: 'span',
    unit: 'd',
    describe: (b) => `Time from the first to the last ${b}-band detection, NaN with fewer than 2 detections.`,
  },
  {
    key: 'amplitude',
    unit: 'µJy',
    describe: (b) => `Maximum minus minimum ${b}-band flux, NaN with fewer than 2 detections.`,
  },
  { key: 'peak_flux', unit: 'µJy', describe: (b) => `Maximum ${b}-band flux.` },
  {
    key: 'peak_mag',
    unit: 'mag',
    describe: (b) => `AB magnitude of the maximum ${b}-band flux, NaN when that flux is not positive.`,
  },
  {
    key: 'peak_time',
    unit: 'd',
    describe: (b) => `Time from the object's first detection in any band to the ${b}-band detection with the maximum flux.`,
  },
  {
    key: 'last_mag',
    unit: 'mag',
    describe: (b) => `AB magnitude of the last ${b}-band detection, NaN when its flux is not positive.`,
  },
  {
    key: 'rise_rate',
    unit: 'mag/d',
    describe: (b) =>
      `Minus the least-squares slope of magnitude against time over the ${b}-band detections with positive flux ` +
      'from the first detection to the peak (positive when brightening), NaN with fewer than 2 such points.',
  },
  {
    key: 'decline_rate',
    unit: 'mag/d',
    describe: (b) =>
      `Least-squares slope of magnitude against time over the ${b}-band detections with positive flux ` +
      'from the peak to the last detection (positive when fading), NaN with fewer than 2 such points.',
  },
  {
    key: 'std',
    unit: 'µJy',
    describe: (b) => `Sample standard deviation (n − 1) of the ${b}-band flux, NaN with fewer than 2 detections.`,
  },
  {
    key: 'skew',
    unit: '1',
    describe: (b) =>
      `Adjusted Fisher–Pearson sample skewness of the ${b}-band flux, NaN with fewer than 3 detections or zero variance.`,
  },
  {
    key: 'excess_var',
    unit: '1',
    describe: (b) =>
      `Sample variance of the ${b}-band flux minus the mean squared flux error, divided by the squared mean flux; ` +
      'NaN with fewer than 2 detections or a zero mean.',
  },
  {
    key: 'stetson_k',
    unit: '1',
    describe: (b) =>
      `Stetson K of the ${b}-band flux: mean |δ| over the root mean square of δ, where δ is the error-scaled residual ` +
      'from the inverse-variance weighted mean; NaN with fewer than 2 detections or all δ zero.',
  },
  {
    key: 'mean_snr',
    unit: '1',
    describe: (b) => `Mean of flux divided by flux error over the ${b}-band detections.`,
  },
  {
    key: 'last_nondet_gap',
    unit: 'd',
    describe: (b) =>
      `Time from the last ${b}-band non-detection before the first ${b}-band detection to that detection, NaN when there is none.`,
  },
  {
    key: 'limit_minus_first_mag',
    unit: 'mag',
    describe: (b) =>
      `Limiting magnitude of the last ${b}-band non-detection before the first ${b}-band detection minus the ` +
      'magnitude of that detection (positive when the source rose above the earlier limit), NaN when either is missing.',
  },
  {
    key: 'bazin_amplitude',
    unit: 'µJy',
    describe: (b) =>
      `Amplitude A of the Bazin fit A·exp(−(t−t0)/τ_fall)/(1+exp(−(t−t0)/τ_rise)) + B to the ${b}-band flux, ` +
      'NaN with fewer than 4 detections or when the fit fails.',
  },
  {
    key: 'bazin_t0',
    unit: 'd',
    describe: (b) => `Bazin t0 of the ${b}-band fit, counted from the object's first detection in any band.`,
  },
  {
    key: 'bazin_rise',
    unit: 'd',
    describe: (b) => `Bazin rise time τ_rise of the ${b}-band fit, bounded to 0.5–200 days.`,
  },
  {
    key: 'bazin_fall',
    unit: 'd',
    describe: (b) => `Bazin fall time τ_fall of the ${b}-band fit, bounded to 0.5–200 days.`,
  },
  {
    key: 'bazin_chi2',
    unit: '1',
    describe: (b) =>
      `Reduced χ² of the ${b}-band Bazin fit, NaN when the fit has no degrees of freedom.`,
  },
] as const satisfies readonly FeatureTemplate[];

const CROSS_TEMPLATES = [
  { key: 'n_det', unit: 'count', text: 'Number of detections in the set\'s bands.' },
  { key: 'n_nondet', unit: 'count', text: 'Number of non-detections in the set\'s bands.' },
  {
    key: 'span',
    unit: 'd',
    text: 'Time from the first to the last detection in any band, NaN with fewer than 2 detections.',
  },
  { key: 'age', unit: 'd', text: 'Time from the first detection in any band to the cut time untilMjd.' },
  {
    key: 'stetson_j',
    unit: '1',
    text:
      'Stetson J over pairs of detections: points of different bands within 1 hour are paired first, then the remaining ' +
      'points of each band are paired in time order; NaN when no pair has both residuals defined.',
  },
  { key: 'frac_negative', unit: '1', text: 'Fraction of detections with negative flux.' },
  {
    key: 'max_slope',
    unit: 'mag/d',
    text: 'Largest |Δmag/Δt| between consecutive positive-flux detections of the same band, NaN when there is no such pair.',
  },
] as const;

const CONTEXT_TEMPLATES = [
  { key: 'ctx_rb', unit: '1', text: 'Real/bogus score of the triggering detection (0 bogus … 1 real).' },
  { key: 'ctx_drb', unit: '1', text: 'Deep-learning real/bogus score of the triggering detection (0 bogus … 1 real).' },
  { key: 'ctx_sgscore1', unit: '1', text: 'Star/galaxy score of the nearest Pan-STARRS1 source (0 galaxy … 1 star).' },
  { key: 'ctx_distpsnr1', unit: 'arcsec', text: 'Distance to the nearest Pan-STARRS1 source.' },
  { key: 'ctx_ssdistnr', unit: 'arcsec', text: 'Distance to the nearest known solar-system object.' },
  { key: 'ctx_ndethist', unit: 'count', text: 'Number of detections at this position in the survey\'s history.' },
] as const;

export type BandFeatureKey = (typeof BAND_TEMPLATES)[number]['key'];
export type CrossFeatureKey = (typeof CROSS_TEMPLATES)[number]['key'];
export type ContextFeatureKey = (typeof CONTEXT_TEMPLATES)[number]['key'];

/** Number of features in each band's block. */
export const BAND_BLOCK_SIZE = BAND_TEMPLATES.length;

/** Offset of each per-band feature inside a band's block. */
export const BAND_OFFSET = offsetsOf(BAND_TEMPLATES);

/** Offset of each cross-band feature inside the cross-band block, which starts with the fixed features. */
export const CROSS_OFFSET = offsetsOf(CROSS_TEMPLATES);

export const CONTEXT_OFFSET = offsetsOf(CONTEXT_TEMPLATES);

/** Positions of each feature group in the output vector of one feature set. */
export interface FeatureLayout {
  /** Start of band i's block is bandStart + i · BAND_BLOCK_SIZE. */
  bandStart: number;
  crossStart: number;
  /** Start of pair i's two colours (at peak, then last); pair i is bands[i], bands[i + 1]. */
  colourStart: number;
  contextStart: number;
  length: number;
}

/** Builds the ordered definitions of a feature set over `bands` and the offsets of its groups. */
export function buildDefinitions(bands: readonly string[]): {
  definitions: FeatureDefinition[];
  layout: FeatureLayout;
} {
  const definitions: FeatureDefinition[] = [];

  for (const band of bands) {
    for (const template of BAND_TEMPLATES) {
      definitions.push({ name: `${band}_${template.key}`, unit: template.unit, description: template.describe(band) });
    }
  }

  const crossStart = definitions.length;
  for (const template of CROSS_TEMPLATES) {
    definitions.push({ name: template.key, unit: template.unit, description: template.text });
  }

  const colourStart = definitions.length;
  for (let i = 0; i + 1 < bands.length; i++) {
    const [blue, red] = [bands[i], bands[i + 1]];
    definitions.push({
      name: `colour_at_peak_${blue}_${red}`,
      unit: 'mag',
      description:
        `The ${blue}-band magnitude minus the ${red}-band magnitude at the time of the ${red}-band peak, using the positive-flux ` +
        `${blue}-band detection nearest in time within 3 days; NaN otherwise.`,
    });
    definitions.push({
      name: `colour_last_${blue}_${red}`,
      unit: 'mag',
      description:
        `The ${blue}-band magnitude minus the ${red}-band magnitude at the last positive-flux detection in either band, using the other ` +
        'band\'s positive-flux detection nearest in time within 3 days; NaN otherwise.',
    });
  }

  const contextStart = definitions.length;
  for (const template of CONTEXT_TEMPLATES) {
    definitions.push({
      name: template.key,
      unit: template.unit,
      description: `${template.text.slice(0, -1)} from the alert context, NaN when the context or the value is missing or negative.`,
    });
  }

  const layout = { bandStart: 0, crossStart, colourStart, contextStart, length: definitions.length };
  return { definitions, layout };
}

function offsetsOf<K extends string>(templates: readonly { key: K }[]): Readonly<Record<K, number>> {
  const offsets = {} as Record<K, number>;
  templates.forEach((template, index) => {
    offsets[template.key] = index;
  });
  return offsets;
}
