const BAR_WIDTH = 30;

/** Counts shown by the progress line. */
export interface ReplayCounts {
  messages: number;
  bytes: number;
  undecodable: number;
}

/**
 * Shows replay progress on standard error: a bar rewritten in place twice a second on a terminal,
 * or a plain line every 10 seconds when standard error is a file or pipe. The bar needs the number
 * of inputs, which is known before the run only for files and folders; otherwise only counts show.
 */
export class ReplayProgress {
  private readonly interactive = process.stderr.isTTY === true;
  private readonly intervalMs = this.interactive ? 500 : 10_000;
  private readonly startedAt = performance.now();
  private lastShownAt = this.startedAt;
  private shown = false;

  constructor(
    private readonly enabled: boolean,
    private readonly total: number | undefined,
  ) {}

  update(counts: ReplayCounts): void {
    if (!this.enabled) return;
    const now = performance.now();
    if (now - this.lastShownAt < this.intervalMs) return;
    this.lastShownAt = now;

    const line = this.format(counts, (now - this.startedAt) / 1000);
    process.stderr.write(this.interactive ? `\r${line}\x1b[K` : `${line}\n`);
    this.shown = true;
  }

  /** Ends the rewritten line so that the summary starts on a line of its own. */
  done(): void {
    if (this.enabled && this.interactive && this.shown) process.stderr.write('\n');
  }

  private format(counts: ReplayCounts, seconds: number): string {
    const rate = counts.messages / Math.max(seconds, 1e-3);
    const tail = `${counts.messages} messages, ${(counts.bytes / 1e6).toFixed(1)} MB, ${rate.toFixed(0)} alerts/s, ${counts.undecodable} undecodable`;
    if (this.total === undefined || this.total === 0) return `replay: ${tail}`;

    const fraction = Math.min(counts.messages / this.total, 1);
    const filled = Math.round(fraction * BAR_WIDTH);
    const bar = `[${'#'.repeat(filled)}${'-'.repeat(BAR_WIDTH - filled)}]`;
    const remaining = rate > 0 ? `, ${Math.ceil((this.total - counts.messages) / rate)} s left` : '';
    return `replay ${bar} ${(fraction * 100).toFixed(0).padStart(3)}% of ${this.total}: ${tail}${remaining}`;
  }
}
