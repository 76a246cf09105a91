import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { readGateConfig } from '@lightbridge/gate';
import { simulateNight } from '@lightbridge/simulator';
import { type Command, UsageError } from '../command.ts';
import { classifyFiles, DEFAULT_MODEL_FOLDER } from '../classify/run.ts';
import { confusionTable } from '../classify/confusion.ts';

const usage = `usage: lightbridge classify [PATH ...] [options]

Classifies ZTF alerts from Avro files, folders (searched recursively for .avro files) and
.tar/.tar.gz archives. Writes one record per alert to OUT/classifications.ndjson and
OUT/classifications.avro, every input that gives no record to OUT/rejected.ndjson with the
reason, and the counts to OUT/summary.json.

With no PATH, simulates a ZTF night (see "lightbridge simulate") into a temporary folder,
classifies it and prints the confusion of true class against the outcome of each object's
last alert.

options:
  --out DIR         output folder (default: out)
  --state DIR       light-curve store; a second run with the same folder continues from it
                    (default: OUT/state)
  --model DIR       model folder holding manifest.json and model.onnx, or a CURRENT file
                    naming one (default: the model shipped in models/ztf-bts)
  --gate FILE       JSON file overriding quality gate thresholds (see packages/gate/README.md)
  --batch-size N    alerts scored per model call (default: 256)
  --reorder-window N
                    alerts held in memory so that they are merged in time order, since files
                    in folders and archives rarely are (default: 2000; 0 keeps input order)
  --seed N          seed of the simulated night when no PATH is given (default: 1)
  --objects N       objects in the simulated night when no PATH is given (default: 400)
  --no-progress     do not print progress lines on standard error
`;

function positiveInteger(value: string | undefined, name: string, fallback: number): number {
  if (value === undefined) return fallback;
  const number = Number(value);
  if (!Number.isInteger(number) || number < 1) throw new UsageError(`--${name} must be a positive integer, got "${value}"`);
  return number;
}

async function run(args: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args,
      allowPositionals: true,
      options: {
        out: { type: 'string', default: 'out' },
        state: { type: 'string' },
        model: { type: 'string', default: DEFAULT_MODEL_FOLDER },
        gate: { type: 'string' },
        'batch-size': { type: 'string' },
        'reorder-window': { type: 'string' },
        seed: { type: 'string' },
        objects: { type: 'string' },
        'no-progress': { type: 'boolean', default: false },
      },
    });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const { values, positionals } = parsed;
  const outDir = resolve(values.out);
  const batchSize = positiveInteger(values['batch-size'], 'batch-size', 256);
  const reorderWindow =
    values['reorder-window'] === '0' ? 0 : positiveInteger(values['reorder-window'], 'reorder-window', 2000);
  const gate = values.gate === undefined ? undefined : readGateConfig(values.gate);

  let paths = positionals;
  let truth;
  if (paths.length === 0) {
    const simulationDir = mkdtempSync(join(tmpdir(), 'lightbridge-night-'));
    const seed = positiveInteger(values.seed, 'seed', 1);
    const objects = positiveInteger(values.objects, 'objects', 400);
    process.stdout.write(`No input given: simulating a ZTF night (seed ${seed}, ${objects} objects) into ${simulationDir}\n`);
    const simulation = await simulateNight({ outDir: simulationDir, seed, objects, night: '2026-06-15' });
    paths = [join(simulationDir, 'alerts')];
    truth = simulation.truth;
  }

  const summary = await classifyFiles({
    paths,
    outDir,
    stateDir: resolve(values.state ?? join(outDir, 'state')),
    modelDir: values.model,
    gate,
    batchSize,
    reorderWindow,
    progress: !values['no-progress'],
  });

  process.stdout.write(summary.format());
  process.stdout.write(`output: ${outDir}\n`);
  if (truth !== undefined) {
    process.stdout.write(`\nconfusion (rows: true class of each simulated object; columns: outcome of its last alert)\n`);
    process.stdout.write(confusionTable(join(outDir, 'classifications.ndjson'), truth));
  }
  return 0;
}

export const command: Command = { usage, run };
