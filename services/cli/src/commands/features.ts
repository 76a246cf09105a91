import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream, type WriteStream } from 'node:fs';
import { mkdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { once } from 'node:events';
import { parseArgs } from 'node:util';

import {
  datasetByName,
  DATASETS,
  DEFAULT_EPOCHS,
  emptyReadStats,
  featureTableHeader,
  featureTableRows,
  NAN_TEXT,
  type DatasetReader,
} from '@lightbridge/datasets';
import { createFeatureSet, ZTF_FEATURES, type FeatureSet } from '@lightbridge/features';
import { UsageError, type Command } from '../command.ts';

const MAX_EPOCHS = 50;

const usage = `usage: lightbridge features --dataset NAME --input DIR --out FILE.csv [options]

Computes the training feature table of a labeled light-curve data set: one row per object and
epoch, holding the features as of the time of the object's k-th detection (k = 2, 3, 5, 10 and
the last detection by default), so a model learns to classify young objects too.

options:
  --dataset NAME      data set reader: ${Object.keys(DATASETS).join(', ')}
  --input DIR         folder holding the data set's tables
  --out FILE.csv      feature table to write; FILE.csv.json beside it records the feature set
                      version, the data set, the input files' sha256 and the row count
  --epochs N          maximum rows per object (default ${DEFAULT_EPOCHS}); beyond 5, the extra epochs are
                      drawn at random between the 10th and the last detection
  --seed N            seed of that draw (default 0)
  --max-objects N     stop after the first N objects of the data set (for quick runs)

Columns: object_id, label, epoch_mjd (MJD of the epoch), n_points (detections up to it), then
every feature in the feature set's order; missing values are written as "${NAN_TEXT}".
`;

interface FeaturesOptions {
  reader: DatasetReader;
  input: string;
  out: string;
  epochs: number;
  seed: number;
  maxObjects: number;
}

/** Provenance of a feature table, written to FILE.csv.json. */
interface FeatureTableSidecar {
  table: string;
  dataset: string;
  survey: string;
  classes: readonly string[];
  featureVersion: string;
  features: readonly string[];
  columns: string[];
  nanEncoding: string;
  epochs: number;
  seed: number;
  maxObjects: number | null;
  inputs: { file: string; bytes: number; sha256: string }[];
  objects: number;
  rows: number;
  photometryRows: number;
  duplicatesDropped: number;
  createdAt: string;
  command: string;
}

export const command: Command = {
  usage,
  async run(args) {
    const options = parseOptions(args);
    const featureSet = featureSetFor(options.reader);
    const started = performance.now();

    const inputs = await hashInputs(options.input, options.reader.files);
    const summary = await writeTable(options, featureSet);

    const sidecar: FeatureTableSidecar = {
      table: basename(options.out),
      dataset: options.reader.name,
      survey: options.reader.survey,
      classes: options.reader.classes,
      featureVersion: featureSet.version,
      features: featureSet.names,
      columns: featureTableHeader(featureSet.names).split(','),
      nanEncoding: NAN_TEXT,
      epochs: options.epochs,
      seed: options.seed,
      maxObjects: Number.isFinite(options.maxObjects) ? options.maxObjects : null,
      inputs,
      ...summary,
      createdAt: new Date().toISOString(),
      command: ['lightbridge', 'features', ...args].join(' '),
    };
    await writeFile(`${options.out}.json`, `${JSON.stringify(sidecar, null, 2)}\n`);

    const seconds = ((performance.now() - started) / 1000).toFixed(1);
    process.stderr.write(
      `lightbridge features: wrote ${summary.rows} rows of ${summary.objects} objects ` +
        `(${featureSet.names.length} features, ${featureSet.version}) to ${options.out} in ${seconds} s\n`,
    );
    return 0;
  },
};

function parseOptions(args: string[]): FeaturesOptions {
  let values: Record<string, string | undefined>;
  try {
    ({ values } = parseArgs({
      args,
      options: {
        dataset: { type: 'string' },
        input: { type: 'string' },
        out: { type: 'string' },
        epochs: { type: 'string' },
        seed: { type: 'string' },
        'max-objects': { type: 'string' },
      },
      strict: true,
      allowPositionals: false,
    }) as { values: Record<string, string | undefined> });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }

  for (const name of ['dataset', 'input', 'out']) {
    if (values[name] === undefined) {
      throw new UsageError(`--${name} is required`);
    }
  }
  const dataset = values.dataset as string;
  if (!(dataset in DATASETS)) {
    throw new UsageError(`--dataset "${dataset}" is not one of ${Object.keys(DATASETS).join(', ')}`);
  }

  return {
    reader: datasetByName(dataset),
    input: resolve(values.input as string),
    out: resolve(values.out as string),
    epochs: parseInteger(values.epochs, 'epochs', DEFAULT_EPOCHS, 1, MAX_EPOCHS),
    seed: parseInteger(values.seed, 'seed', 0, 0, 2 ** 31 - 1),
    maxObjects: parseInteger(values['max-objects'], 'max-objects', Number.POSITIVE_INFINITY, 1, Number.MAX_SAFE_INTEGER),
  };
}

function parseInteger(text: string | undefined, name: string, fallback: number, min: number, max: number): number {
  if (text === undefined) {
    return fallback;
  }
  const value = Number(text);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new UsageError(`--${name} "${text}" is not an integer from ${min} to ${max}`);
  }
  return value;
}

/** Returns ZTF_FEATURES for ZTF tables, the set the live service computes, so training and scoring share one feature list. */
function featureSetFor(reader: DatasetReader): FeatureSet {
  return reader.survey === 'ztf' ? ZTF_FEATURES : createFeatureSet(reader.bands);
}

async function hashInputs(dir: string, files: readonly string[]): Promise<FeatureTableSidecar['inputs']> {
  const inputs: FeatureTableSidecar['inputs'] = [];
  for (const file of files) {
    const path = join(dir, file);
    const info = await stat(path).catch(() => {
      throw new Error(`input file ${path} not found; --input must be the ${file} folder of the data set`);
    });

    const hash = createHash('sha256');
    for await (const chunk of createReadStream(path)) {
      hash.update(chunk as Buffer);
    }
    inputs.push({ file, bytes: info.size, sha256: hash.digest('hex') });
  }
  return inputs;
}

/**
 * Streams the table to FILE.csv.partial and renames it at the end, so an interrupted run never
 * leaves a table that looks complete.
 */
async function writeTable(
  options: FeaturesOptions,
  featureSet: FeatureSet,
): Promise<Pick<FeatureTableSidecar, 'objects' | 'rows' | 'photometryRows' | 'duplicatesDropped'>> {
  await mkdir(dirname(options.out), { recursive: true });
  const partial = `${options.out}.partial`;
  const stream = createWriteStream(partial);
  const stats = emptyReadStats();
  const buffer = new Float64Array(featureSet.names.length);
  let objects = 0;
  let rows = 0;

  try {
    await writeLine(stream, featureTableHeader(featureSet.names));
    for await (const object of options.reader.read(options.input, stats)) {
      for (const line of featureTableRows(object, featureSet, options.epochs, options.seed, buffer)) {
        await writeLine(stream, line);
        rows += 1;
      }
      objects += 1;
      if (objects >= options.maxObjects) {
        break;
      }
    }
    stream.end();
    await once(stream, 'finish');
  } catch (error) {
    stream.destroy();
    await rm(partial, { force: true });
    throw error;
  }

  await rename(partial, options.out);
  return { objects, rows, photometryRows: stats.rows, duplicatesDropped: stats.duplicatesDropped };
}

async function writeLine(stream: WriteStream, line: string): Promise<void> {
  if (!stream.write(`${line}\n`)) {
    await once(stream, 'drain');
  }
}
