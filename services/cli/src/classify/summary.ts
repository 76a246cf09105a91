import type { ClassificationRecord } from '@lightbridge/pipeline';

/** Counts of one classify run, printed at its end and written to summary.json. */
export class RunSummary {
  /** Inputs read: files and archive members, including those rejected. */
  read = 0;
  /** Alerts decoded from the inputs (a container may hold more than one). */
  alerts = 0;
  /** Records with class probabilities; overlaps `flagged` when a flag does not block scoring. */
  classified = 0;
  flagged = 0;
  rejected = 0;
  readonly rejectedByReason: Record<string, number> = {};
  readonly flaggedByFlag: Record<string, number> = {};
  readonly perClass: Record<string, number> = {};
  private readonly startedAt = process.hrtime.bigint();
  seconds = 0;

  countRecord(record: ClassificationRecord): void {
    if (record.predictedClass !== null) {
      this.classified += 1;
      this.perClass[record.predictedClass] = (this.perClass[record.predictedClass] ?? 0) + 1;
    }
    if (record.flags.length > 0) this.flagged += 1;
    for (const flag of record.flags) this.flaggedByFlag[flag] = (this.flaggedByFlag[flag] ?? 0) + 1;
  }

  countRejected(reason: string): void {
    this.rejected += 1;
    this.rejectedByReason[reason] = (this.rejectedByReason[reason] ?? 0) + 1;
  }

  finish(): void {
    this.seconds = Number(process.hrtime.bigint() - this.startedAt) / 1e9;
  }

  /** Inputs read per second of wall time, over the whole run. */
  get alertsPerSecond(): number {
    return this.seconds > 0 ? this.read / this.seconds : 0;
  }

  toJSON(): Record<string, unknown> {
    return {
      read: this.read,
      alerts: this.alerts,
      classified: this.classified,
      flagged: this.flagged,
      rejected: this.rejected,
      rejectedByReason: this.rejectedByReason,
      flaggedByFlag: this.flaggedByFlag,
      perClass: this.perClass,
      seconds: this.seconds,
      alertsPerSecond: this.alertsPerSecond,
    };
  }

  format(): string {
    const lines = [
      `inputs read:        ${this.read}  (files and archive members)`,
      `alerts decoded:     ${this.alerts}`,
      `classified:         ${this.classified}  (records with class probabilities)`,
      `flagged:            ${this.flagged}${formatCounts(this.flaggedByFlag)}`,
      `rejected:           ${this.rejected}${formatCounts(this.rejectedByReason)}`,
      `predicted classes:  ${formatCounts(this.perClass).trim() || '(none)'}`,
      `time:               ${this.seconds.toFixed(2)} s (${this.alertsPerSecond.toFixed(0)} inputs/s)`,
    ];
    return `${lines.join('\n')}\n`;
  }
}

function formatCounts(counts: Record<string, number>): string {
  const entries = Object.entries(counts).sort((a, b) => b[1] - a[1]);
  if (entries.length === 0) return '';
  return `  (${entries.map(([name, count]) => `${name} ${count}`).join(', ')})`;
}
