/**
 * Shows how far a long run has come on standard error: a line rewritten in place on a terminal,
 * or a plain line every 10 seconds when standard error is a file or pipe.
 */
export class Progress {
  private readonly interactive = process.stderr.isTTY === true;
  private readonly intervalMs = this.interactive ? 500 : 10_000;
  private readonly startedAt = Date.now();
  private lastShownAt = this.startedAt;
  private shown = false;

  constructor(private readonly enabled: boolean) {}

  update(read: number, rejected: number): void {
    if (!this.enabled) return;
    const now = Date.now();
    if (now - this.lastShownAt < this.intervalMs) return;
    this.lastShownAt = now;

    const seconds = (now - this.startedAt) / 1000;
    const line = `classify: ${read} alerts read, ${rejected} rejected, ${(read / Math.max(seconds, 1e-3)).toFixed(0)} alerts/s`;
    process.stderr.write(this.interactive ? `\r${line}` : `${line}\n`);
    this.shown = true;
  }

  done(): void {
    if (this.enabled && this.interactive && this.shown) process.stderr.write('\n');
  }
}
