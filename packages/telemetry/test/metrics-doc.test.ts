import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { METRICS } from '../src/metrics.ts';
import { DOC_BEGIN, DOC_END, renderMetricsTable, replaceMetricsTable } from '../src/metrics-doc.ts';

const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');

describe('metrics README table', () => {
  it('matches the definitions', () => {
    // On failure run: pnpm --filter @lightbridge/telemetry metrics-doc
    expect(replaceMetricsTable(readme)).toBe(readme);
  });

  it('lists every metric once', () => {
    const table = renderMetricsTable();
    for (const definition of Object.values(METRICS)) {
      expect(table.split(`| \`${definition.name}\` |`).length - 1, definition.name).toBe(1);
    }
  });

  it('rejects a README without markers', () => {
    expect(() => replaceMetricsTable('# no table here')).toThrow(/markers/);
  });

  it('replaces only the marked section', () => {
    const text = `intro\n${DOC_BEGIN}\nstale\n${DOC_END}\noutro\n`;
    const replaced = replaceMetricsTable(text, 'TABLE');
    expect(replaced).toBe(`intro\n${DOC_BEGIN}\nTABLE\n${DOC_END}\noutro\n`);
  });
});
