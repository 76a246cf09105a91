/**
 * Statistics of one band's points. Each function reads the first `n` entries of time-sorted
 * arrays (times in MJD, fluxes and flux errors in µJy) and returns NaN when its value is undefined.
 */

/** AB zero point for fluxes in µJy: mag = 23.9 − 2.5 log10(flux / µJy). */
const AB_ZERO_POINT_UJY = 23.9;

/** Returns the AB magnitude of a flux in µJy, NaN when the flux is not positive. */
export function fluxToMag(flux: number): number {
  if (!(flux > 0)) {
    return NaN;
  }
  return AB_ZERO_POINT_UJY - 2.5 * Math.log10(flux);
}

/** Returns the index of the maximum flux (the first one on ties), or −1 when n is 0. */
export function argMax(flux: Float64Array, n: number): number {
  let best = -1;
  for (let i = 0; i < n; i++) {
    if (best < 0 || flux[i] > flux[best]) {
      best = i;
    }
  }
  return best;
}

export function amplitude(flux: Float64Array, n: number): number {
  if (n < 2) {
    return NaN;
  }

  let min = flux[0];
  let max = flux[0];
  for (let i = 1; i < n; i++) {
    min = Math.min(min, flux[i]);
    max = Math.max(max, flux[i]);
  }
  return max - min;
}

export function mean(values: Float64Array, n: number): number {
  if (n < 1) {
    return NaN;
  }

  let sum = 0;
  for (let i = 0; i < n; i++) {
    sum += values[i];
  }
  return sum / n;
}

/** Returns the sample variance with the n − 1 denominator, NaN with fewer than 2 values. */
export function sampleVariance(values: Float64Array, n: number): number {
  if (n < 2) {
    return NaN;
  }

  const centre = mean(values, n);
  let sum = 0;
  for (let i = 0; i < n; i++) {
    const d = values[i] - centre;
    sum += d * d;
  }
  return sum / (n - 1);
}

/**
 * Returns the adjusted Fisher–Pearson skewness G1 = n / ((n − 1)(n − 2)) · Σ((x − x̄) / s)³,
 * with s the sample standard deviation (the estimator of scipy's skew with bias=False).
 */
export function skewness(values: Float64Array, n: number): number {
  if (n < 3) {
    return NaN;
  }

  const centre = mean(values, n);
  const std = Math.sqrt(sampleVariance(values, n));
  if (!(std > 0)) {
    return NaN;
  }

  let sum = 0;
  for (let i = 0; i < n; i++) {
    const z = (values[i] - centre) / std;
    sum += z * z * z;
  }
  return (n / ((n - 1) * (n - 2))) * sum;
}

/** Returns (sample variance − mean squared error) / mean², the normalised excess variance. */
export function excessVariance(flux: Float64Array, fluxErr: Float64Array, n: number): number {
  if (n < 2) {
    return NaN;
  }

  const centre = mean(flux, n);
  if (centre === 0) {
    return NaN;
  }

  let errSquared = 0;
  for (let i = 0; i < n; i++) {
    errSquared += fluxErr[i] * fluxErr[i];
  }
  return (sampleVariance(flux, n) - errSquared / n) / (centre * centre);
}

/** Returns the inverse-variance weighted mean flux. */
export function weightedMean(flux: Float64Array, fluxErr: Float64Array, n: number): number {
  if (n < 1) {
    return NaN;
  }

  let sum = 0;
  let weights = 0;
  for (let i = 0; i < n; i++) {
    const w = 1 / (fluxErr[i] * fluxErr[i]);
    sum += w * flux[i];
    weights += w;
  }
  return sum / weights;
}

/**
 * Returns the Stetson residual δ_i = sqrt(n / (n − 1)) · (f_i − f̄_w) / σ_i of point i, where
 * f̄_w is the weighted mean passed in (Stetson 1996, PASP 108, 851).
 */
export function stetsonDelta(flux: number, fluxErr: number, weightedCentre: number, n: number): number {
  if (n < 2) {
    return NaN;
  }
  return Math.sqrt(n / (n - 1)) * ((flux - weightedCentre) / fluxErr);
}

/** Returns Stetson K = mean |δ| / sqrt(mean δ²), NaN with fewer than 2 points or all δ zero. */
export function stetsonK(flux: Float64Array, fluxErr: Float64Array, n: number): number {
  if (n < 2) {
    return NaN;
  }

  const centre = weightedMean(flux, fluxErr, n);
  let sumAbs = 0;
  let sumSquares = 0;
  for (let i = 0; i < n; i++) {
    const delta = stetsonDelta(flux[i], fluxErr[i], centre, n);
    sumAbs += Math.abs(delta);
    sumSquares += delta * delta;
  }
  if (!(sumSquares > 0)) {
    return NaN;
  }
  return sumAbs / n / Math.sqrt(sumSquares / n);
}

export function meanSnr(flux: Float64Array, fluxErr: Float64Array, n: number): number {
  if (n < 1) {
    return NaN;
  }

  let sum = 0;
  for (let i = 0; i < n; i++) {
    sum += flux[i] / fluxErr[i];
  }
  return sum / n;
}

/**
 * Returns the least-squares slope of magnitude against time (mag/d) over points from..to
 * (inclusive) with positive flux, NaN with fewer than 2 such points at distinct times.
 */
export function magnitudeSlope(time: Float64Array, flux: Float64Array, from: number, to: number): number {
  let count = 0;
  let sumT = 0;
  let sumM = 0;
  for (let i = from; i <= to; i++) {
    if (flux[i] > 0) {
      count++;
      sumT += time[i];
      sumM += fluxToMag(flux[i]);
    }
  }
  if (count < 2) {
    return NaN;
  }

  // Centred sums keep precision with MJD-sized times.
  const meanT = sumT / count;
  const meanM = sumM / count;
  let sxx = 0;
  let sxy = 0;
  for (let i = from; i <= to; i++) {
    if (flux[i] > 0) {
      const dt = time[i] - meanT;
      sxx += dt * dt;
      sxy += dt * (fluxToMag(flux[i]) - meanM);
    }
  }
  if (!(sxx > 0)) {
    return NaN;
  }
  return sxy / sxx;
}

/**
 * Returns the largest |Δmag/Δt| between consecutive positive-flux points at distinct times, or NaN.
 * NOTE: points minutes apart (repeated exposures) dominate this value with noise. On the BTS
 * light curves the 95th percentile is above 100 mag/d, so a model should treat it as noisy.
 */
export function maxMagnitudeSlope(time: Float64Array, flux: Float64Array, n: number): number {
  let best = NaN;
  let previous = -1;
  for (let i = 0; i < n; i++) {
    if (!(flux[i] > 0)) {
      continue;
    }

    if (previous >= 0 && time[i] > time[previous]) {
      const slope = Math.abs((fluxToMag(flux[i]) - fluxToMag(flux[previous])) / (time[i] - time[previous]));
      if (!(slope <= best)) {
        best = slope;
      }
    }
    previous = i;
  }
  return best;
}

/**
 * Returns the index of the positive-flux point nearest to `mjd` within `window` days, or −1.
 * On equal distances the earlier point wins.
 */
export function nearestPositive(time: Float64Array, flux: Float64Array, n: number, mjd: number, window: number): number {
  let best = -1;
  let bestDistance = Infinity;
  for (let i = 0; i < n; i++) {
    const distance = Math.abs(time[i] - mjd);
    if (flux[i] > 0 && distance <= window && distance < bestDistance) {
      best = i;
      bestDistance = distance;
    }
  }
  return best;
}
