import { setTimeout as sleep } from 'node:timers/promises';

/**
 * Send times for a fixed rate: message i is due `i / rate` seconds after the first. Fixed due
 * times do not drift when one send is slow, because the next messages are already due and go
 * out together. Without a rate every message is due at once.
 */
export class SendSchedule {
  private startedAt: number | undefined;

  constructor(private readonly ratePerSecond: number | undefined) {}

  /** Time in ms (performance.now clock) at which message `index` (from 0) is due. */
  dueAt(index: number): number {
    if (this.startedAt === undefined) this.startedAt = performance.now();
    if (this.ratePerSecond === undefined) return this.startedAt;
    return this.startedAt + (index * 1000) / this.ratePerSecond;
  }

  isDue(index: number): boolean {
    return this.dueAt(index) <= performance.now();
  }

  /** Waits until message `index` is due; returns at once when it already is. */
  async waitFor(index: number): Promise<void> {
    const wait = this.dueAt(index) - performance.now();
    if (wait > 0) await sleep(wait);
  }
}
