/**
 * Distances in a flat ΛCDM universe with H0 = 70 km/s/Mpc and Ωm = 0.3, the round values that
 * simulations of this kind usually assume.
 */
const HUBBLE_DISTANCE_MPC = 299_792.458 / 70;
const OMEGA_MATTER = 0.3;
const INTEGRATION_STEPS = 64;
const MIN_REDSHIFT = 1e-7;
const MAX_REDSHIFT = 5;

/** Luminosity distance in Mpc, by Simpson's rule over 1/E(z). */
export function luminosityDistanceMpc(redshift: number): number {
  const inverseE = (z: number): number => 1 / Math.sqrt(OMEGA_MATTER * (1 + z) ** 3 + (1 - OMEGA_MATTER));
  const step = redshift / INTEGRATION_STEPS;
  let sum = inverseE(0) + inverseE(redshift);
  for (let i = 1; i < INTEGRATION_STEPS; i += 1) {
    sum += (i % 2 === 1 ? 4 : 2) * inverseE(i * step);
  }
  const comovingMpc = HUBBLE_DISTANCE_MPC * (sum * step) / 3;
  return (1 + redshift) * comovingMpc;
}

/** Distance modulus m − M in magnitudes. */
export function distanceModulus(redshift: number): number {
  return 5 * Math.log10(luminosityDistanceMpc(redshift) * 1e6 / 10);
}

/**
 * Redshift whose distance modulus is the given one, by bisection in ln z (the modulus grows with
 * z). 40 steps over [1e-7, 5] give a relative precision of about 1e-11.
 */
export function redshiftForDistanceModulus(modulus: number): number {
  if (!(modulus >= distanceModulus(MIN_REDSHIFT) && modulus <= distanceModulus(MAX_REDSHIFT))) {
    throw new RangeError(`distance modulus ${modulus} mag is outside redshift ${MIN_REDSHIFT} to ${MAX_REDSHIFT}`);
  }
  let low = Math.log(MIN_REDSHIFT);
  let high = Math.log(MAX_REDSHIFT);
  for (let i = 0; i < 40; i += 1) {
    const middle = (low + high) / 2;
    if (distanceModulus(Math.exp(middle)) < modulus) low = middle;
    else high = middle;
  }
  return Math.exp((low + high) / 2);
}
