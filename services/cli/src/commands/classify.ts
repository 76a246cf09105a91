import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
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
last alert. The simulated alerts are deleted afterwards.

Exit status: 0 when every input was read (rejected inputs are listed in rejected.ndjson), 1 when
the run failed or found no input, 2 for an invalid command line.

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
                    in folders and archives rarely are (default: 2000; 0 keeps input order).
                    Raise it for a large archive whose files are far from time order; memory
                    grows by about the alert size (60-70 KB for ZTF) per held alert
  --seed N          seed of the simulated night when no PATH is given (default: 1)
  --objects N       objects in the simulated night when no PATH is given (default: 400)
  --no-progress     do not print progress lines on standard error
`;

function integerOption(value: string | undefined, name: string, fallback: number, minimum: 0 | 1): number {
  if (value === undefined) return fallback;
  const number = Number(value);
  if (!Number.isInteger(number) || number < minimum) {
    const kind = minimum === 0 ? 'a non-negative integer' : 'a positive integer';
    throw new UsageError(`--${name} must be ${kind}, got "${value}"`);
  }
  return number;
}

/** Rejects paths that do not exist and an output path that is a file, before any work starts. */
function checkPaths(paths: readonly string[], outDir: string): void {
  const missing = paths.filter((path) => !existsSync(path));
  if (missing.length > 0) throw new UsageError(`input not found: ${missing.join(', ')}`);
  if (existsSync(outDir) && !statSync(outDir).isDirectory()) {
    throw new UsageError(`--out ${outDir} is a file, expected a folder`);
  }
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
  const batchSize = integerOption(values['batch-size'], 'batch-size', 256, 1);
  const reorderWindow = integerOption(values['reorder-window'], 'reorder-window', 2000, 0);
  const gate = values.gate === undefined ? undefined : readGateConfig(values.gate);

  checkPaths(positionals, outDir);
  let paths = positionals;
  let truth;
  let simulationDir: string | undefined;
  if (paths.length === 0) {
    const seed = integerOption(values.seed, 'seed', 1, 1);
    const objects = integerOption(values.objects, 'objects', 400, 1);
    simulationDir = mkdtempSync(join(tmpdir(), 'lightbridge-night-'));
    process.stdout.write(`No input given: simulating a ZTF night (seed ${seed}, ${objects} objects) into ${simulationDir}\n`);
    const simulation = await simulateNight({ outDir: simulationDir, seed, objects, night: '2026-06-15' });
    paths = [join(simulationDir, 'alerts')];
    truth = simulation.truth;
  }

  let summary;
  try {
    summary = await classifyFiles({
      paths,
      outDir,
      stateDir: resolve(values.state ?? join(outDir, 'state')),
      modelDir: values.model,
      gate,
      batchSize,
      reorderWindow,
      progress: !values['no-progress'],
    });
  } finally {
    if (simulationDir !== undefined) rmSync(simulationDir, { recursive: true, force: true });
  }

  process.stdout.write(summary.format());
  process.stdout.write(`output: ${outDir}\n`);
  if (summary.read === 0) {
    process.stderr.write(`lightbridge classify: no .avro files or archives found under ${paths.join(', ')}\n`);
    return 1;
  }
  if (truth !== undefined) {
    process.stdout.write(`\nconfusion (rows: true class of each simulated object; columns: outcome of its last alert)\n`);
    process.stdout.write(confusionTable(join(outDir, 'classifications.ndjson'), truth));
  }
  return 0;
}

export const command: Command = { usage, run };
