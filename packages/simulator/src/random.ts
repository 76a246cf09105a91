/**
 * Seeded pseudo-random numbers, so the same seed gives the same simulated night on every run.
 * The generator is mulberry32 (32-bit state, period 2^32), which is plenty for a few thousand
 * objects and keeps the output independent of Math.random and of the Node version.
 */
export class SeededRandom {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  /** Uniform number in [0, 1). */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  uniform(min: number, max: number): number {
    return min + (max - min) * this.next();
  }

  /** Integer in [min, max], both ends included. */
  integer(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  /** Gaussian deviate by the Box–Muller transform. */
  normal(mean = 0, sigma = 1): number {
    const u1 = 1 - this.next();
    const u2 = this.next();
    return mean + sigma * Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
  }

  /** Log-normal deviate given its median and the standard deviation of its natural logarithm. */
  logNormal(median: number, lnSigma: number): number {
    return median * Math.exp(this.normal(0, lnSigma));
  }

  chance(probability: number): boolean {
    return this.next() < probability;
  }

  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new RangeError('cannot pick from an empty list');
    return items[Math.floor(this.next() * items.length)]!;
  }
}

/**
 * Derives an independent generator for one named stream (a field, an object) from the run seed,
 * so that adding objects of one kind does not change the draws of the others.
 */
export function streamRandom(seed: number, stream: string, index: number): SeededRandom {
  let hash = 0x811c9dc5 ^ (seed >>> 0);
  const key = `${stream}:${index}`;
  for (let i = 0; i < key.length; i += 1) {
    hash = Math.imul(hash ^ key.charCodeAt(i), 0x01000193);
  }
  hash = Math.imul(hash ^ (hash >>> 16), 0x85ebca6b);
  hash = Math.imul(hash ^ (hash >>> 13), 0xc2b2ae35);
  return new SeededRandom((hash ^ (hash >>> 16)) >>> 0);
}
