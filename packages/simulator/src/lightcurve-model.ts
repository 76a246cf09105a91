/**
 * Bazin-type light-curve shape, flux ∝ exp(−u) / (1 + exp(−u/ρ)) with u = (t − t0)/τfall and
 * ρ = τrise/τfall. The shape is fitted to a rise and a fade time, each measured between half
 * maximum and peak, as supernova catalogues report them.
 */

/** Shape parameters with times in units of τfall: ρ = τrise/τfall and where peak and onset fall. */
export interface BazinShape {
  rho: number;
  /** u at peak. */
  peakU: number;
  /** ln of the shape at peak. */
  peakLogFlux: number;
}

const BISECTION_STEPS = 60;

/** ln of the unnormalised shape; softplus keeps it finite far before peak. */
function logShape(u: number, rho: number): number {
  const x = -u / rho;
  const softplus = x > 30 ? x : Math.log1p(Math.exp(x));
  return -u - softplus;
}

export function bazinShape(rho: number): BazinShape {
  const peakU = rho * Math.log((1 - rho) / rho);
  return { rho, peakU, peakLogFlux: logShape(peakU, rho) };
}

/** Flux relative to peak (1 at peak) at u. */
export function relativeFlux(shape: BazinShape, u: number): number {
  return Math.exp(logShape(u, shape.rho) - shape.peakLogFlux);
}

/**
 * u where the flux is the given fraction of peak, before peak (side −1) or after it (side +1).
 * Steps away from peak until the flux is below the fraction, then bisects.
 */
export function crossingU(shape: BazinShape, fraction: number, side: -1 | 1): number {
  const target = shape.peakLogFlux + Math.log(fraction);
  let step = side === -1 ? shape.rho : 1;
  while (logShape(shape.peakU + side * step, shape.rho) > target) step *= 2;

  let near = shape.peakU;
  let far = shape.peakU + side * step;
  for (let i = 0; i < BISECTION_STEPS; i += 1) {
    const middle = (near + far) / 2;
    if (logShape(middle, shape.rho) > target) near = middle;
    else far = middle;
  }
  return (near + far) / 2;
}

function halfMaximumTimes(shape: BazinShape): { rise: number; fade: number } {
  return {
    rise: shape.peakU - crossingU(shape, 0.5, -1),
    fade: crossingU(shape, 0.5, 1) - shape.peakU,
  };
}

/**
 * Finds ρ and τfall (in days) whose shape rises from half maximum to peak in riseDays and fades
 * back to half maximum in fadeDays. The ratio rise/fade grows from 0 to ∞ as ρ goes from 0 to 1,
 * so bisection on ρ always converges.
 */
export function fitBazinToHalfMaximum(riseDays: number, fadeDays: number): { shape: BazinShape; tauFallDays: number } {
  if (!(riseDays > 0 && fadeDays > 0)) {
    throw new RangeError(`rise and fade times must be positive, got ${riseDays} and ${fadeDays} days`);
  }
  const targetRatio = riseDays / fadeDays;
  let low = 1e-6;
  let high = 1 - 1e-6;
  for (let i = 0; i < BISECTION_STEPS; i += 1) {
    const middle = Math.sqrt(low * high);
    const { rise, fade } = halfMaximumTimes(bazinShape(middle));
    if (rise / fade < targetRatio) low = middle;
    else high = middle;
  }

  const shape = bazinShape(Math.sqrt(low * high));
  return { shape, tauFallDays: fadeDays / halfMaximumTimes(shape).fade };
}
