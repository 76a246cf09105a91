// Rewrites the metrics table in README.md from the definitions in src/metrics.ts.
import { readFileSync, writeFileSync } from 'node:fs';
import { replaceMetricsTable } from '../src/metrics-doc.ts';

const readmeUrl = new URL('../README.md', import.meta.url);
const before = readFileSync(readmeUrl, 'utf8');
const after = replaceMetricsTable(before);
writeFileSync(readmeUrl, after);
console.log(before === after ? 'README.md metrics table is up to date' : 'README.md metrics table rewritten');
