import { createHash } from 'node:crypto';
import { mkdir, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { type ContainerCodec, createAvroType, encodeContainer } from '@lightbridge/alerts';
import type { SimulatedField } from './cadence.ts';
import { processingId, simulateField } from './cadence.ts';
import type { ImpostorClass, SimulatedClass, TransientClass } from './classes.ts';
import { SIMULATED_CLASSES, allocateClassCounts } from './classes.ts';
import { observeSource } from './observe.ts';
import type { AlertPacket, ObservedObject } from './packets.ts';
import { buildAlertPackets } from './packets.ts';
import { SeededRandom, streamRandom } from './random.ts';
import type { SimulatedSource } from './sources.ts';
import { simulateImpostor, simulateTransient } from './sources.ts';
import { ZTF_SIMULATED_ALERT_SCHEMA } from './ztf-schema.ts';

export interface SimulateOptions {
  /** Folder that receives alerts/<candid>.avro and truth.csv; created when missing. */
  outDir: string;
  /** Integer in [0, 2^32 − 1]; the same seed and options give byte-identical files. */
  seed: number;
  /** Number of simulated objects, transients and impostors together. */
  objects: number;
  /** UTC date of the night, YYYY-MM-DD. */
  night: string;
  /** Avro block codec of the alert files; 'null' (uncompressed) by default, as ZTF publishes. */
  codec?: ContainerCodec;
}

/** The simulated truth of one object. */
export interface TruthRow {
  objectId: string;
  class: SimulatedClass;
  /** 0 for stars, asteroids and bogus detections. */
  redshift: number;
  /** Brightest apparent magnitude of the model: r band for transients, total magnitude for variable stars. */
  peakMag: number;
  /** MJD of peakMag; for variable stars the maximum nearest the night. */
  peakMjd: number;
  /** Alerts written for the object; 0 when it was not detected during the night. */
  alerts: number;
}

export interface SimulationSummary {
  /** Paths of the alert files in the order of their candidate times. */
  alertFiles: string[];
  truthFile: string;
  /** One row per simulated object, alerts or not. */
  truth: TruthRow[];
}

export const MAX_SIMULATED_OBJECTS = 100_000;
const OBJECTS_PER_FIELD = 20;
/** ZTF field ids of the primary and secondary grids. */
const FIELD_ID_RANGE = { min: 1, max: 1895 };
const MJD_OF_UNIX_EPOCH = 40587;
const WRITE_BATCH = 64;

/**
 * Simulates one night of ZTF alerts and writes them as Avro files, one alert per file, with a
 * truth table. Throws RangeError for invalid options, and Error when `outDir/alerts` already
 * contains files, so that alerts of different runs never mix.
 */
export async function simulateNight(options: SimulateOptions): Promise<SimulationSummary> {
  const nightMjd = validateOptions(options);
  const codec = options.codec ?? 'null';

  const fieldCount = Math.min(Math.ceil(options.objects / OBJECTS_PER_FIELD), FIELD_ID_RANGE.max - FIELD_ID_RANGE.min + 1);
  const fields = simulateFields(options.seed, fieldCount, nightMjd);
  const objects = simulateObjects(options.seed, options.objects, fields, nightMjd);
  const packetsByObject = objects.map((object, index) => buildAlertPackets(streamRandom(options.seed, 'packets', index), object, nightMjd));

  const alertsDir = join(options.outDir, 'alerts');
  await prepareEmptyFolder(alertsDir);
  const alertFiles = await writeAlertFiles(alertsDir, packetsByObject.flat(), options.seed, codec);

  const truth = objects.map((object, index) => truthRow(object, packetsByObject[index]!.length));
  const truthFile = join(options.outDir, 'truth.csv');
  await writeFile(truthFile, formatTruth(truth));
  return { alertFiles, truthFile, truth };
}

/** Checks the options and returns the MJD at 0h UTC of the night. */
function validateOptions(options: SimulateOptions): number {
  if (typeof options.outDir !== 'string' || options.outDir.length === 0) {
    throw new RangeError('outDir is empty; give the folder to write the alerts to');
  }
  if (!Number.isInteger(options.seed) || options.seed < 0 || options.seed > 0xffffffff) {
    throw new RangeError(`seed ${options.seed} is invalid; use an integer from 0 to 4294967295`);
  }
  if (!Number.isInteger(options.objects) || options.objects < 1 || options.objects > MAX_SIMULATED_OBJECTS) {
    throw new RangeError(`objects ${options.objects} is invalid; use an integer from 1 to ${MAX_SIMULATED_OBJECTS}`);
  }
  if (options.codec !== undefined && !['null', 'deflate', 'snappy'].includes(options.codec)) {
    throw new RangeError(`codec "${options.codec}" is invalid; use null, deflate or snappy`);
  }
  return nightToMjd(options.night);
}

/** MJD at 0h UTC of a YYYY-MM-DD date. */
export function nightToMjd(night: string): number {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(night);
  const milliseconds = match === null ? Number.NaN : Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3]));
  if (Number.isNaN(milliseconds) || new Date(milliseconds).toISOString().slice(0, 10) !== night) {
    throw new RangeError(`night "${night}" is not a valid date; use the form YYYY-MM-DD, for example 2026-03-20`);
  }
  return milliseconds / 86_400_000 + MJD_OF_UNIX_EPOCH;
}

/** Fields with distinct ids, each with its own cadence, and no two exposures at the same pid time. */
function simulateFields(seed: number, count: number, nightMjd: number): SimulatedField[] {
  const random = streamRandom(seed, 'field-ids', 0);
  const ids = Array.from({ length: FIELD_ID_RANGE.max - FIELD_ID_RANGE.min + 1 }, (_, i) => FIELD_ID_RANGE.min + i);
  for (let i = 0; i < count; i += 1) {
    const j = random.integer(i, ids.length - 1);
    [ids[i], ids[j]] = [ids[j]!, ids[i]!];
  }

  const takenTimes = new Set<number>();
  return ids.slice(0, count).map((fieldId, index) => simulateField(streamRandom(seed, 'field', index), fieldId, nightMjd, takenTimes));
}

/**
 * Simulates and measures every object, class by class, then gives each an objectId and each
 * detection a candid. Each object draws from its own random stream, keyed by class and index.
 */
function simulateObjects(seed: number, objectCount: number, fields: SimulatedField[], nightMjd: number): ObservedObject[] {
  const counts = allocateClassCounts(objectCount);
  const idRandom = streamRandom(seed, 'object-ids', 0);
  const firstSequence = idRandom.integer(0, 26 ** 5 * 10);
  const nextIndexByPid = new Map<bigint, number>();
  const objects: ObservedObject[] = [];

  for (const simulatedClass of SIMULATED_CLASSES) {
    for (let i = 0; i < counts[simulatedClass]; i += 1) {
      const random = streamRandom(seed, `object-${simulatedClass}`, i);
      const field = fields[random.integer(0, fields.length - 1)]!;
      const source = simulateSource(random, simulatedClass, field, nightMjd);
      const rcid = random.integer(0, 63);
      const observations = observeSource(random, source, field.exposures);

      const pids = observations.map((observation) => processingId(observation.exposure, rcid));
      const candids = observations.map((observation, j) => (observation.detected ? nextCandid(pids[j]!, nextIndexByPid) : null));
      const firstDetection = observations.find((observation) => observation.detected);
      const objectId = formatObjectId(firstDetection?.exposure.mjd ?? nightMjd, firstSequence + objects.length);
      objects.push({ objectId, source, field, rcid, observations, pids, candids });
    }
  }
  return objects;
}

function simulateSource(random: SeededRandom, simulatedClass: SimulatedClass, field: SimulatedField, nightMjd: number): SimulatedSource {
  if (simulatedClass === 'bogus' || simulatedClass === 'star' || simulatedClass === 'asteroid') {
    return simulateImpostor(random, simulatedClass satisfies ImpostorClass, field, nightMjd);
  }
  return simulateTransient(random, simulatedClass satisfies TransientClass, field, nightMjd);
}

/** candid in the layout of public alerts: pid × 10^6 plus 10000 plus the source's index in the image. */
function nextCandid(pid: bigint, nextIndexByPid: Map<bigint, number>): bigint {
  const index = nextIndexByPid.get(pid) ?? 0;
  nextIndexByPid.set(pid, index + 1);
  return pid * 1_000_000n + 10_000n + BigInt(index);
}

/** "ZTF", the two-digit year of the first detection, then seven lowercase letters (base 26). */
function formatObjectId(firstDetectionMjd: number, sequence: number): string {
  const year = new Date((firstDetectionMjd - MJD_OF_UNIX_EPOCH) * 86_400_000).getUTCFullYear();
  let letters = '';
  let rest = sequence;
  for (let i = 0; i < 7; i += 1) {
    letters = String.fromCharCode(97 + (rest % 26)) + letters;
    rest = Math.floor(rest / 26);
  }
  return `ZTF${String(year % 100).padStart(2, '0')}${letters}`;
}

async function prepareEmptyFolder(folder: string): Promise<void> {
  await mkdir(folder, { recursive: true });
  const entries = await readdir(folder);
  if (entries.length > 0) {
    throw new Error(`output folder ${folder} already contains ${entries.length} files; choose a new or empty folder so that alerts of different runs do not mix`);
  }
}

/**
 * Writes each alert as <candid>.avro in candidate-time order. The sync marker is a hash of the
 * seed and the candid, so reruns give identical bytes and different alerts different markers.
 */
async function writeAlertFiles(folder: string, packets: AlertPacket[], seed: number, codec: ContainerCodec): Promise<string[]> {
  const type = createAvroType(ZTF_SIMULATED_ALERT_SCHEMA);
  const ordered = [...packets].sort((a, b) => candidateJd(a) - candidateJd(b) || (a.candid < b.candid ? -1 : 1));

  const files: string[] = [];
  for (let start = 0; start < ordered.length; start += WRITE_BATCH) {
    const batch = ordered.slice(start, start + WRITE_BATCH).map((packet) => {
      const sync = createHash('sha256').update(`lightbridge-simulator:${seed}:${packet.candid}`).digest().subarray(0, 16);
      const file = join(folder, `${packet.candid}.avro`);
      files.push(file);
      return writeFile(file, encodeContainer(ZTF_SIMULATED_ALERT_SCHEMA, [packet.record], codec, type, sync));
    });
    await Promise.all(batch);
  }
  return files;
}

function candidateJd(packet: AlertPacket): number {
  return (packet.record.candidate as { jd: number }).jd;
}

function truthRow(object: ObservedObject, alerts: number): TruthRow {
  return {
    objectId: object.objectId,
    class: object.source.class,
    redshift: object.source.redshift,
    peakMag: object.source.peakMag,
    peakMjd: object.source.peakMjd,
    alerts,
  };
}

/** CSV with header objectId,class,redshift,peak_mag,peak_mjd,alerts; one row per object. */
export function formatTruth(rows: readonly TruthRow[]): string {
  const lines = rows.map((row) => [row.objectId, row.class, row.redshift.toFixed(6), row.peakMag.toFixed(3), row.peakMjd.toFixed(5), String(row.alerts)].join(','));
  return ['objectId,class,redshift,peak_mag,peak_mjd,alerts', ...lines].join('\n') + '\n';
}
