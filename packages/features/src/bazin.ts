/**
 * Bounded Levenberg–Marquardt fit of the Bazin et al. (2009, A&A 499, 653) transient model
 *
 *   f(t) = A · exp(−(t − t0) / τ_fall) / (1 + exp(−(t − t0) / τ_rise)) + B
 *
 * to one band's flux with errors. The fitter keeps all state in preallocated buffers, so a fit
 * allocates nothing, and it is deterministic: fixed starting points, fixed damping schedule.
 */

import { BAZIN_TAU_MAX_DAYS, BAZIN_TAU_MIN_DAYS } from './definitions.ts';

/** Parameter order in every vector and matrix of the fitter. */
const A = 0;
const B = 1;
const T0 = 2;
const RISE = 3;
const FALL = 4;
const P = 5;

/** Minimum number of points for a fit; with fewer, the features are NaN. */
export const BAZIN_MIN_POINTS = 4;

/** Minimum number of points for fitting B; with fewer, B stays at 0, the baseline of a difference flux. */
const BAZIN_MIN_POINTS_FREE_BASELINE = 6;

/** Starting (τ_rise, τ_fall) pairs in days; each start places the model's peak at the brightest point. */
const STARTS: readonly (readonly [number, number])[] = [
  [2, 20],
  [6, 60],
  [1, 6],
];

const MAX_ITERATIONS = 60;
const LAMBDA_START = 1e-3;
const LAMBDA_MAX = 1e10;
/** Relative decrease of χ² below which an accepted step counts as converged. */
const RELATIVE_TOLERANCE = 1e-8;
/** How far before the first or after the last point t0 may move, in days. */
const T0_MARGIN_DAYS = 50;
/** Upper bound of A and |B| in units of the band's maximum flux. */
const AMPLITUDE_MAX = 100;
const BASELINE_MAX = 1;

export interface BazinResult {
  /** µJy. */
  amplitude: number;
  /** µJy. */
  baseline: number;
  /** Days from the reference time given to the fit. */
  t0: number;
  rise: number;
  fall: number;
  /** χ² per degree of freedom, NaN with no degree of freedom. */
  reducedChi2: number;
}

/** Reusable Bazin fitter; one instance serves any number of sequential fits. */
export class BazinFitter {
  private time = new Float64Array(64);
  private value = new Float64Array(64);
  private weight = new Float64Array(64);
  private count = 0;
  private freeBaseline = true;

  private readonly lower = new Float64Array(P);
  private readonly upper = new Float64Array(P);
  private readonly params = new Float64Array(P);
  private readonly trial = new Float64Array(P);
  private readonly best = new Float64Array(P);
  private readonly normal = new Float64Array(P * P);
  private readonly gradient = new Float64Array(P);
  private readonly system = new Float64Array(P * P);
  private readonly step = new Float64Array(P);
  private readonly jacobianRow = new Float64Array(P);

  /**
   * Fits points (mjd, flux ± fluxErr in µJy) 0..n−1 and writes the result into `result`.
   * Times in the result count from `referenceMjd`. Returns false, leaving `result` untouched,
   * with fewer than 4 points, a maximum flux that is not positive, or a fit that is not finite.
   */
  fit(
    mjd: Float64Array,
    flux: Float64Array,
    fluxErr: Float64Array,
    n: number,
    referenceMjd: number,
    result: BazinResult,
  ): boolean {
    if (n < BAZIN_MIN_POINTS) {
      return false;
    }

    const peakIndex = this.load(mjd, flux, fluxErr, n, referenceMjd);
    if (peakIndex < 0) {
      return false;
    }
    const scale = flux[peakIndex];

    this.setBounds();
    let bestCost = Infinity;
    for (const [rise, fall] of STARTS) {
      this.setStart(this.time[peakIndex], rise, fall);
      const cost = this.minimise();
      if (cost < bestCost) {
        bestCost = cost;
        this.best.set(this.params);
      }
    }
    if (!Number.isFinite(bestCost) || !this.best.every(Number.isFinite)) {
      return false;
    }

    const freeParameters = this.freeBaseline ? P : P - 1;
    const degreesOfFreedom = n - freeParameters;
    result.amplitude = this.best[A] * scale;
    result.baseline = this.best[B] * scale;
    result.t0 = this.best[T0];
    result.rise = this.best[RISE];
    result.fall = this.best[FALL];
    result.reducedChi2 = degreesOfFreedom > 0 ? bestCost / degreesOfFreedom : NaN;
    return true;
  }

  /**
   * Copies the points into the fitter with times relative to the reference and fluxes divided by
   * the maximum flux, which keeps every parameter near 1. Returns the index of the maximum flux,
   * or −1 when it is not positive.
   */
  private load(mjd: Float64Array, flux: Float64Array, fluxErr: Float64Array, n: number, referenceMjd: number): number {
    let peakIndex = 0;
    for (let i = 1; i < n; i++) {
      if (flux[i] > flux[peakIndex]) {
        peakIndex = i;
      }
    }
    const scale = flux[peakIndex];
    if (!(scale > 0)) {
      return -1;
    }

    if (this.time.length < n) {
      const capacity = Math.max(n, 2 * this.time.length);
      this.time = new Float64Array(capacity);
      this.value = new Float64Array(capacity);
      this.weight = new Float64Array(capacity);
    }
    for (let i = 0; i < n; i++) {
      this.time[i] = mjd[i] - referenceMjd;
      this.value[i] = flux[i] / scale;
      this.weight[i] = scale / fluxErr[i];
    }
    this.count = n;
    this.freeBaseline = n >= BAZIN_MIN_POINTS_FREE_BASELINE;
    return peakIndex;
  }

  private setBounds(): void {
    const first = this.time[0];
    const last = this.time[this.count - 1];
    this.lower[A] = 0;
    this.upper[A] = AMPLITUDE_MAX;
    this.lower[B] = this.freeBaseline ? -BASELINE_MAX : 0;
    this.upper[B] = this.freeBaseline ? BASELINE_MAX : 0;
    this.lower[T0] = first - T0_MARGIN_DAYS;
    this.upper[T0] = last + T0_MARGIN_DAYS;
    this.lower[RISE] = BAZIN_TAU_MIN_DAYS;
    this.upper[RISE] = BAZIN_TAU_MAX_DAYS;
    this.lower[FALL] = BAZIN_TAU_MIN_DAYS;
    this.upper[FALL] = BAZIN_TAU_MAX_DAYS;
  }

  /** Places the model's maximum, at t0 + τ_rise · ln(τ_fall / τ_rise − 1), on the brightest point. */
  private setStart(peakTime: number, rise: number, fall: number): void {
    const peakOffset = rise * Math.log(fall / rise - 1);
    const shape = Math.exp(-peakOffset / fall) / (1 + Math.exp(-peakOffset / rise));
    this.params[A] = 1 / shape;
    this.params[B] = 0;
    this.params[T0] = peakTime - peakOffset;
    this.params[RISE] = rise;
    this.params[FALL] = fall;
    clampToBounds(this.params, this.lower, this.upper);
  }

  /** Runs damped Gauss–Newton steps projected onto the bounds; returns the final χ². */
  private minimise(): number {
    let cost = this.accumulate(this.params, true);
    let lambda = LAMBDA_START;

    for (let iteration = 0; iteration < MAX_ITERATIONS && Number.isFinite(cost); iteration++) {
      let accepted = false;

      while (!accepted && lambda <= LAMBDA_MAX) {
        if (!this.solveDampedSystem(lambda)) {
          lambda *= 10;
          continue;
        }

        for (let k = 0; k < P; k++) {
          this.trial[k] = this.params[k] + this.step[k];
        }
        clampToBounds(this.trial, this.lower, this.upper);
        const trialCost = this.accumulate(this.trial, false);

        if (trialCost < cost) {
          accepted = true;
          const improvement = (cost - trialCost) / cost;
          this.params.set(this.trial);
          cost = this.accumulate(this.params, true);
          lambda = Math.max(lambda / 10, 1e-12);
          if (improvement < RELATIVE_TOLERANCE) {
            return cost;
          }
        } else {
          lambda *= 10;
        }
      }

      if (!accepted) {
        return cost;
      }
    }
    return cost;
  }

  /**
   * Returns χ² at `p`. With `withJacobian` it also fills the normal matrix JᵀWJ and the gradient
   * JᵀW r for the current parameters, where r is data minus model.
   */
  private accumulate(p: Float64Array, withJacobian: boolean): number {
    const amplitude = p[A];
    const baseline = p[B];
    const t0 = p[T0];
    const rise = p[RISE];
    const fall = p[FALL];
    const inverseRise = 1 / rise;
    const inverseFall = 1 / fall;
    const row = this.jacobianRow;
    const normal = this.normal;
    const gradient = this.gradient;
    const time = this.time;
    const value = this.value;
    const weight = this.weight;
    const baselineColumn = this.freeBaseline ? 1 : 0;

    if (withJacobian) {
      normal.fill(0);
      gradient.fill(0);
    }

    let cost = 0;
    for (let i = 0; i < this.count; i++) {
      const x = time[i] - t0;

      // shape = exp(−x/τ_fall) · σ(x/τ_rise) with σ(u) = 1 / (1 + e^−u) = e^u / (1 + e^u). Taking the
      // form whose exponential is at most 1 and folding e^u into the other exponent avoids overflow.
      const u = x * inverseRise;
      const decay = Math.exp(-Math.abs(u));
      const shape = Math.exp(-x * inverseFall + (u < 0 ? u : 0)) / (1 + decay);

      const w = weight[i];
      const residual = (value[i] - (amplitude * shape + baseline)) * w;
      cost += residual * residual;
      if (!withJacobian) {
        continue;
      }

      // 1 − σ(u), computed without cancellation for large u.
      const complement = u >= 0 ? decay / (1 + decay) : 1 / (1 + decay);
      const scaled = amplitude * shape * w;
      row[A] = shape * w;
      row[B] = baselineColumn * w;
      row[T0] = scaled * (inverseFall - complement * inverseRise);
      row[RISE] = -scaled * complement * x * inverseRise * inverseRise;
      row[FALL] = scaled * x * inverseFall * inverseFall;
      for (let j = 0; j < P; j++) {
        const rj = row[j];
        gradient[j] += rj * residual;
        for (let k = 0; k <= j; k++) {
          normal[j * P + k] += rj * row[k];
        }
      }
    }
    return cost;
  }

  /**
   * Solves (N + λ·diag(N)) δ = g by Cholesky into `step`. A fixed B gets an identity row, so its
   * step is 0. Returns false when the damped matrix is not positive definite.
   */
  private solveDampedSystem(lambda: number): boolean {
    const m = this.system;
    for (let j = 0; j < P; j++) {
      for (let k = 0; k <= j; k++) {
        m[j * P + k] = this.normal[j * P + k];
      }
      m[j * P + j] += lambda * Math.max(this.normal[j * P + j], 1e-12);
      this.step[j] = this.gradient[j];
    }
    if (!this.freeBaseline) {
      for (let k = 0; k < P; k++) {
        m[B * P + k] = 0;
        m[k * P + B] = 0;
      }
      m[B * P + B] = 1;
      this.step[B] = 0;
    }

    // In-place Cholesky on the lower triangle: m = L·Lᵀ.
    for (let j = 0; j < P; j++) {
      let diagonal = m[j * P + j];
      for (let k = 0; k < j; k++) {
        diagonal -= m[j * P + k] * m[j * P + k];
      }
      if (!(diagonal > 0)) {
        return false;
      }
      const pivot = Math.sqrt(diagonal);
      m[j * P + j] = pivot;
      for (let i = j + 1; i < P; i++) {
        let sum = m[i * P + j];
        for (let k = 0; k < j; k++) {
          sum -= m[i * P + k] * m[j * P + k];
        }
        m[i * P + j] = sum / pivot;
      }
    }

    // Forward substitution L·y = g, then back substitution Lᵀ·δ = y.
    const s = this.step;
    for (let i = 0; i < P; i++) {
      let sum = s[i];
      for (let k = 0; k < i; k++) {
        sum -= m[i * P + k] * s[k];
      }
      s[i] = sum / m[i * P + i];
    }
    for (let i = P - 1; i >= 0; i--) {
      let sum = s[i];
      for (let k = i + 1; k < P; k++) {
        sum -= m[k * P + i] * s[k];
      }
      s[i] = sum / m[i * P + i];
    }
    return Number.isFinite(s[A] + s[B] + s[T0] + s[RISE] + s[FALL]);
  }
}

function clampToBounds(p: Float64Array, lower: Float64Array, upper: Float64Array): void {
  for (let k = 0; k < P; k++) {
    p[k] = Math.min(upper[k], Math.max(lower[k], p[k]));
  }
}
