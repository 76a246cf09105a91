/**
 * Writes the target photometry table of ZTF alert files: the observation times, bands, fluxes and
 * flux errors of every object's merged light curve, for the trainer's augmentation step.
 *
 * usage: node --import tsx packages/datasets/scripts/target-photometry.ts --out FILE.csv PATH ...
 *
 * PATH is an Avro file, a folder (searched recursively) or a .tar/.tar.gz archive, as for
 * `lightbridge classify`. FILE.csv.json beside the table records the counts and the command.
 */
import { writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';

import { writeTargetPhotometry } from '../src/index.ts';

const USAGE = 'usage: target-photometry.ts --out FILE.csv PATH ...';

async function main(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({ args, options: { out: { type: 'string' } }, allowPositionals: true });
  if (values.out === undefined || positionals.length === 0) {
    process.stderr.write(`${USAGE}\n--out and at least one alert PATH are required\n`);
    return 2;
  }

  const started = performance.now();
  const out = resolve(values.out);
  const summary = await writeTargetPhotometry(positionals, out);
  const sidecar = { table: out, ...summary, paths: positionals, createdAt: new Date().toISOString() };
  await writeFile(`${out}.json`, `${JSON.stringify(sidecar, null, 2)}\n`);

  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  process.stderr.write(
    `target-photometry: wrote ${summary.rows} points of ${summary.objects} objects from ${summary.alerts} alerts ` +
      `(${summary.unreadable} unreadable inputs) to ${out} in ${seconds} s\n`,
  );
  return 0;
}

process.exitCode = await main(process.argv.slice(2));
