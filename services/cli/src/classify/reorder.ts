import type { Alert } from '@lightbridge/alerts';
import { compareCandids } from '@lightbridge/lightcurve';

/** An alert waiting in the reorder buffer, with the file or archive member it came from. */
export interface PendingAlert {
  alert: Alert;
  source: string;
}

/**
 * Holds up to `capacity` alerts and releases them in time order (then candid, because one
 * exposure can give several alerts of an object). Files in a folder or archive are rarely in
 * time order. Merging them in time order means each alert's record uses the alerts before it, and
 * a second run over the same store gives the same records. Alerts further out of order than the
 * buffer holds are released late and classified with what was known when they arrived.
 */
export class ReorderBuffer {
  private readonly heap: PendingAlert[] = [];

  constructor(private readonly capacity: number) {}

  /** Adds an alert and returns the earliest one when the buffer is over capacity. */
  push(pending: PendingAlert): PendingAlert | undefined {
    this.heap.push(pending);
    this.siftUp(this.heap.length - 1);
    return this.heap.length > this.capacity ? this.pop() : undefined;
  }

  /** Removes and returns the earliest alert, or undefined when empty. */
  pop(): PendingAlert | undefined {
    const top = this.heap[0];
    const last = this.heap.pop();
    if (top === undefined || last === undefined) return undefined;
    if (this.heap.length > 0) {
      this.heap[0] = last;
      this.siftDown(0);
    }
    return top;
  }

  get size(): number {
    return this.heap.length;
  }

  private siftUp(index: number): void {
    let child = index;
    while (child > 0) {
      const parent = (child - 1) >> 1;
      if (comparePending(this.heap[child]!, this.heap[parent]!) >= 0) return;
      this.swap(child, parent);
      child = parent;
    }
  }

  private siftDown(index: number): void {
    let parent = index;
    for (;;) {
      const left = 2 * parent + 1;
      const right = left + 1;
      let smallest = parent;
      if (left < this.heap.length && comparePending(this.heap[left]!, this.heap[smallest]!) < 0) smallest = left;
      if (right < this.heap.length && comparePending(this.heap[right]!, this.heap[smallest]!) < 0) smallest = right;
      if (smallest === parent) return;
      this.swap(parent, smallest);
      parent = smallest;
    }
  }

  private swap(a: number, b: number): void {
    const held = this.heap[a]!;
    this.heap[a] = this.heap[b]!;
    this.heap[b] = held;
  }
}

function comparePending(a: PendingAlert, b: PendingAlert): number {
  if (a.alert.mjd !== b.alert.mjd) return Math.sign(a.alert.mjd - b.alert.mjd);
  return compareCandids(a.alert.candid, b.alert.candid);
}
