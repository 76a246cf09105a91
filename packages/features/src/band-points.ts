/** Growable typed-array columns of one band's detections, reused across extractions. */
export class BandPoints {
  mjd = new Float64Array(32);
  flux = new Float64Array(32);
  fluxErr = new Float64Array(32);
  count = 0;

  /** Position of each point in the object's time-ordered list of detections in the set's bands. */
  order = new Int32Array(32);

  clear(): void {
    this.count = 0;
  }

  push(mjd: number, flux: number, fluxErr: number, order: number): void {
    if (this.count === this.mjd.length) {
      this.grow();
    }

    const i = this.count++;
    this.mjd[i] = mjd;
    this.flux[i] = flux;
    this.fluxErr[i] = fluxErr;
    this.order[i] = order;
  }

  private grow(): void {
    const capacity = 2 * this.mjd.length;
    this.mjd = grownCopy(this.mjd, capacity);
    this.flux = grownCopy(this.flux, capacity);
    this.fluxErr = grownCopy(this.fluxErr, capacity);
    const order = new Int32Array(capacity);
    order.set(this.order);
    this.order = order;
  }
}

function grownCopy(source: Float64Array, capacity: number): Float64Array<ArrayBuffer> {
  const target = new Float64Array(capacity);
  target.set(source);
  return target;
}
