import { readFileSync } from 'node:fs';

import { describe, expect, it } from 'vitest';

import { ZTF_FEATURES } from '../src/index.ts';
import { README_PATH, renderFeatureTable, replaceFeatureTable, TABLE_END, TABLE_START } from '../scripts/feature-table.ts';

describe('README feature table', () => {
  it('matches the script output', () => {
    const readme = readFileSync(README_PATH, 'utf8');
    const table = renderFeatureTable(ZTF_FEATURES);
    expect(readme).toContain(`${TABLE_START}\n${table}${TABLE_END}`);
  });

  it('lists every feature once', () => {
    const table = renderFeatureTable(ZTF_FEATURES);
    for (const name of ZTF_FEATURES.names) {
      expect(table.split(`| \`${name}\` |`).length - 1, name).toBe(1);
    }
  });

  it('replace keeps text around markers', () => {
    const replaced = replaceFeatureTable(`intro\n${TABLE_START}\nold\n${TABLE_END}\nouter`, 'new\n');
    expect(replaced).toBe(`intro\n${TABLE_START}\nnew\n${TABLE_END}\nouter`);
  });

  it('replace rejects a README without markers', () => {
    expect(() => replaceFeatureTable('no markers here', 'table\n')).toThrow(/markers/);
  });
});
