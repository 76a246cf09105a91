import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { MAX_SIMULATED_OBJECTS, SIMULATED_CLASSES, simulateNight, type SimulatorCodec } from '@lightbridge/simulator';
import { type Command, UsageError } from '../command.ts';

const DEFAULTS = { seed: 1, objects: 400, night: '2026-06-15', codec: 'null' as SimulatorCodec };

const usage = `usage: lightbridge simulate --out DIR [options]

Writes a simulated ZTF night: one Avro alert file per detection during the night, in the
ZTF 4.02 alert format, as DIR/alerts/<candid>.avro, and the true class of every object as
DIR/truth.csv (objectId,class,redshift,peak_mag,peak_mjd,alerts). The same options always
give byte-identical files. DIR/alerts must be new or empty.

options:
  --out DIR        output folder (required; created when missing)
  --seed N         random seed, an integer from 0 to 4294967295 (default: ${DEFAULTS.seed})
  --objects N      number of simulated objects, supernova-like transients and impostors
                   (bogus detections, variable stars, asteroids) together, 1 to ${MAX_SIMULATED_OBJECTS}
                   (default: ${DEFAULTS.objects})
  --night DATE     UTC date of the night, YYYY-MM-DD (default: ${DEFAULTS.night}); the
                   simulated survey covers the 50 nights before it
  --codec NAME     Avro block codec of the alert files: null (uncompressed, as ZTF
                   publishes), deflate or snappy (default: ${DEFAULTS.codec})
`;

/** Parses a decimal integer option within [min, max], or returns the default when absent. */
function integerOption(value: string | undefined, name: string, min: number, max: number, fallback: number): number {
  if (value === undefined) return fallback;
  const number = /^\d+$/.test(value) ? Number(value) : Number.NaN;
  if (!Number.isSafeInteger(number) || number < min || number > max) {
    throw new UsageError(`--${name} must be an integer from ${min} to ${max}, got "${value}"`);
  }
  return number;
}

function codecOption(value: string | undefined): SimulatorCodec {
  if (value === undefined) return DEFAULTS.codec;
  if (value === 'null' || value === 'deflate' || value === 'snappy') return value;
  throw new UsageError(`--codec must be null, deflate or snappy, got "${value}"`);
}

async function run(args: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args,
      options: {
        out: { type: 'string' },
        seed: { type: 'string' },
        objects: { type: 'string' },
        night: { type: 'string' },
        codec: { type: 'string' },
      },
    });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const { values } = parsed;

  if (values.out === undefined || values.out === '') throw new UsageError('--out is required: give the folder to write the night to');
  const night = values.night ?? DEFAULTS.night;
  if (!/^\d{4}-\d{2}-\d{2}$/.test(night)) throw new UsageError(`--night must be a date YYYY-MM-DD, got "${night}"`);
  const options = {
    outDir: resolve(values.out),
    seed: integerOption(values.seed, 'seed', 0, 0xffffffff, DEFAULTS.seed),
    objects: integerOption(values.objects, 'objects', 1, MAX_SIMULATED_OBJECTS, DEFAULTS.objects),
    night,
    codec: codecOption(values.codec),
  };

  let summary;
  try {
    summary = await simulateNight(options);
  } catch (error) {
    if (error instanceof RangeError) throw new UsageError(error.message);
    process.stderr.write(`lightbridge simulate: ${(error as Error).message}\n`);
    return 1;
  }

  const objectsPerClass = new Map<string, { objects: number; alerting: number }>(SIMULATED_CLASSES.map((name) => [name, { objects: 0, alerting: 0 }]));
  for (const row of summary.truth) {
    const entry = objectsPerClass.get(row.class)!;
    entry.objects += 1;
    if (row.alerts > 0) entry.alerting += 1;
  }
  const lines = [...objectsPerClass].map(([name, { objects, alerting }]) => `  ${name.padEnd(9)} ${String(objects).padStart(6)} ${String(alerting).padStart(9)}`);
  process.stdout.write(
    `Simulated night ${night} (seed ${options.seed}): ${summary.truth.length} objects, ${summary.alertFiles.length} alerts\n` +
      `  class     objects  alerting\n${lines.join('\n')}\n` +
      `Alerts: ${resolve(options.outDir, 'alerts')}\nTruth:  ${summary.truthFile}\n`,
  );
  return 0;
}

export const command: Command = { usage, run };
