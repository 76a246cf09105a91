import { readFileSync } from 'node:fs';
import type { TruthRow } from '@lightbridge/simulator';

/** Returns the outcome of an object's last alert: a class, or the quality flag that kept it from the model. */
function outcomeOf(record: { predictedClass: string | null; flags: string[] }): string {
  if (record.predictedClass !== null) return record.predictedClass;
  return record.flags.length > 0 ? `flag:${record.flags[0]}` : 'unscored';
}

/**
 * Builds a confusion table of true class (rows) against the outcome of each object's last alert
 * (columns), from classifications.ndjson and the simulator's truth.
 */
export function confusionTable(classificationsPath: string, truth: readonly TruthRow[]): string {
  const lastByObject = new Map<string, { alertMjd: number; predictedClass: string | null; flags: string[] }>();
  for (const line of readFileSync(classificationsPath, 'utf8').split('\n')) {
    if (line === '') continue;
    const record = JSON.parse(line) as { objectId: string; alertMjd: number; predictedClass: string | null; flags: string[] };
    const current = lastByObject.get(record.objectId);
    if (current === undefined || record.alertMjd >= current.alertMjd) lastByObject.set(record.objectId, record);
  }

  const counts = new Map<string, Map<string, number>>();
  const columns = new Set<string>();
  let silent = 0;
  for (const row of truth) {
    // Objects that never rose above the detection limit on the night produced no alert.
    if (row.alerts === 0) {
      silent += 1;
      continue;
    }
    const record = lastByObject.get(row.objectId);
    const outcome = record === undefined ? 'no output' : outcomeOf(record);
    columns.add(outcome);
    const cells = counts.get(row.class) ?? new Map<string, number>();
    cells.set(outcome, (cells.get(outcome) ?? 0) + 1);
    counts.set(row.class, cells);
  }
  const classColumns = [...columns].filter((column) => !column.startsWith('flag:')).sort();
  const flagColumns = [...columns].filter((column) => column.startsWith('flag:')).sort();
  const footer = `${truth.length - silent} objects with alerts; ${silent} simulated objects stayed below the detection limit and produced none\n`;
  return formatTable(counts, [...classColumns, ...flagColumns]) + footer;
}

function formatTable(counts: Map<string, Map<string, number>>, columns: string[]): string {
  const widths = columns.map((column) => Math.max(5, column.length) + 2);
  const header = `${'true \\ last alert'.padEnd(18)}${columns.map((column, i) => column.padStart(widths[i]!)).join('')}`;
  const rows = [...counts.keys()].sort().map((name) => {
    const cells = counts.get(name)!;
    return `${name.padEnd(18)}${columns.map((column, i) => String(cells.get(column) ?? 0).padStart(widths[i]!)).join('')}`;
  });
  return `${header}\n${rows.join('\n')}\n`;
}
