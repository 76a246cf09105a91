/**
 * Renders the feature table of ZTF_FEATURES as Markdown from its definitions, so the README cannot
 * drift from the code.
 *
 * Run from the repository root:
 *   node --import tsx packages/features/scripts/feature-table.ts           prints the table
 *   node --import tsx packages/features/scripts/feature-table.ts --write   replaces it in the README
 */

import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';

import { type FeatureSet, ZTF_FEATURES } from '../src/index.ts';

export const README_PATH = fileURLToPath(new URL('../README.md', import.meta.url));
export const TABLE_START = '<!-- feature-table:start -->';
export const TABLE_END = '<!-- feature-table:end -->';

/** Returns the Markdown table (header, then one row per feature in order) with a trailing newline. */
export function renderFeatureTable(featureSet: FeatureSet): string {
  const lines = [
    `Feature list \`${featureSet.version}\`, ${featureSet.names.length} features, in output order.`,
    '',
    '| # | name | unit | definition |',
    '| ---: | --- | --- | --- |',
  ];
  featureSet.definitions.forEach((definition, index) => {
    const description = definition.description.replaceAll('|', '\\|');
    lines.push(`| ${index} | \`${definition.name}\` | ${definition.unit} | ${description} |`);
  });
  return `${lines.join('\n')}\n`;
}

/** Returns `readme` with the text between the table markers replaced by `table`. */
export function replaceFeatureTable(readme: string, table: string): string {
  const start = readme.indexOf(TABLE_START);
  const end = readme.indexOf(TABLE_END);
  if (start < 0 || end < start) {
    throw new Error(`the README has no "${TABLE_START}" … "${TABLE_END}" section; add both markers on their own lines`);
  }
  return `${readme.slice(0, start + TABLE_START.length)}\n${table}${readme.slice(end)}`;
}

function main(): void {
  const table = renderFeatureTable(ZTF_FEATURES);
  if (!process.argv.includes('--write')) {
    process.stdout.write(table);
    return;
  }

  const readme = readFileSync(README_PATH, 'utf8');
  writeFileSync(README_PATH, replaceFeatureTable(readme, table));
  console.log(`wrote the table of ${ZTF_FEATURES.names.length} features to ${README_PATH}`);
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main();
}
