import { gzipSync } from 'node:zlib';
import type { SimulatedField } from './cadence.ts';
import { julianDate } from './cadence.ts';
import type { Observation } from './observe.ts';
import type { SeededRandom } from './random.ts';
import type { SimulatedSource } from './sources.ts';
import { PUBLISHER, SCHEMA_VERSION } from './ztf-schema.ts';

/** A simulated object after measurement: its observations in time order, with ids assigned. */
export interface ObservedObject {
  objectId: string;
  source: SimulatedSource;
  field: SimulatedField;
  rcid: number;
  observations: Observation[];
  /** Processing id of each observation's image. */
  pids: bigint[];
  /** Candidate id of each observation, null for non-detections. */
  candids: (bigint | null)[];
}

/** An alert record ready for the Avro writer, with its candid for the file name. */
export interface AlertPacket {
  candid: bigint;
  record: Record<string, unknown>;
}

/** Length of the history in prv_candidates, as in ZTF alerts. */
export const HISTORY_WINDOW_DAYS = 30;
const PROGRAM_ID_PUBLIC = 1;
/** Model versions that appear in public ZTF 4.02 alerts. */
const RB_VERSION = 't17_f5_c3';
const DRB_VERSION = 'd6_m7';
const PIXEL_SCALE_ARCSEC = 1.01;

/**
 * Builds one alert for each detection during the night. Its `candidate` is that detection, and
 * its `prv_candidates` contain the object's detections and non-detections of the 30 days before
 * it, so several alerts of one object carry growing histories.
 */
export function buildAlertPackets(random: SeededRandom, object: ObservedObject, nightMjd: number): AlertPacket[] {
  const reference = drawReferenceImage(random, object);
  const packets: AlertPacket[] = [];

  object.observations.forEach((observation, index) => {
    const candid = object.candids[index];
    const onNight = observation.exposure.mjd >= nightMjd && observation.exposure.mjd < nightMjd + 1;
    if (!onNight || candid === null || candid === undefined) return;

    const record = {
      schemavsn: SCHEMA_VERSION,
      publisher: PUBLISHER,
      objectId: object.objectId,
      candid,
      candidate: buildCandidate(random, object, index, candid, reference),
      prv_candidates: buildHistory(object, index),
      fp_hists: null,
      cutoutScience: placeholderCutout(`candid${candid}_pid${object.pids[index]}_targ_sci.fits.gz`),
      cutoutTemplate: placeholderCutout(`candid${candid}_ref.fits.gz`),
      cutoutDifference: placeholderCutout(`candid${candid}_pid${object.pids[index]}_targ_scimref.fits.gz`),
    };
    packets.push({ candid, record });
  });
  return packets;
}

/** Per-object values of the reference image and of the nearest catalogue source. */
interface ReferenceImage {
  jdstartref: number;
  jdendref: number;
  nframesref: number;
  nmtchps: number;
  ranr: number;
  decnr: number;
  sigmagnr: number;
  xpos: number;
  ypos: number;
}

function drawReferenceImage(random: SeededRandom, object: ObservedObject): ReferenceImage {
  const { source } = object;
  const offsetDeg = (source.context.distnr * PIXEL_SCALE_ARCSEC) / 3600;
  const angle = random.uniform(0, 2 * Math.PI);
  const jdstartref = julianDate(random.uniform(58150, 58300));
  return {
    jdstartref,
    jdendref: jdstartref + random.uniform(30, 200),
    nframesref: random.integer(15, 40),
    nmtchps: random.integer(3, 30),
    ranr: source.ra + (offsetDeg * Math.cos(angle)) / Math.cos((source.dec * Math.PI) / 180),
    decnr: source.dec + offsetDeg * Math.sin(angle),
    sigmagnr: random.uniform(0.01, 0.1),
    xpos: random.uniform(10, 3070),
    ypos: random.uniform(10, 3070),
  };
}

function buildCandidate(random: SeededRandom, object: ObservedObject, index: number, candid: bigint, reference: ReferenceImage): Record<string, unknown> {
  const observation = object.observations[index]!;
  const { exposure } = observation;
  const { context } = object.source;
  const earlier = object.observations.slice(0, index + 1);
  const firstDetection = earlier.find((item) => item.detected) ?? observation;

  return {
    jd: julianDate(exposure.mjd),
    fid: exposure.fid,
    pid: object.pids[index],
    diffmaglim: exposure.diffmaglim,
    programid: PROGRAM_ID_PUBLIC,
    candid,
    isdiffpos: observation.isdiffpos,
    tblid: candid % 10_000n,
    nid: exposure.nid,
    rcid: object.rcid,
    field: object.field.fieldId,
    xpos: reference.xpos + random.normal(0, 0.3),
    ypos: reference.ypos + random.normal(0, 0.3),
    ra: observation.ra,
    dec: observation.dec,
    magpsf: observation.magpsf,
    sigmapsf: observation.sigmapsf,
    distnr: context.distnr,
    magnr: context.magnr,
    sigmagnr: reference.sigmagnr,
    fwhm: random.uniform(1.6, 3.5),
    rb: observation.rb,
    ssdistnr: context.ssdistnr,
    ssmagnr: context.ssmagnr,
    ssnamenr: context.ssnamenr,
    ranr: reference.ranr,
    decnr: reference.decnr,
    sgmag1: context.magnr + 0.5,
    srmag1: context.magnr,
    sgscore1: context.sgscore1,
    distpsnr1: context.distpsnr1,
    ndethist: earlier.filter((item) => item.detected).length,
    ncovhist: earlier.length,
    jdstarthist: julianDate(firstDetection.exposure.mjd),
    jdendhist: julianDate(exposure.mjd),
    scorr: Math.abs(observation.flux) / observation.fluxError,
    objectidps1: null,
    nmtchps: reference.nmtchps,
    rfid: BigInt(object.field.fieldId) * 10_000n + BigInt(exposure.fid) * 100n + BigInt(object.rcid),
    jdstartref: reference.jdstartref,
    jdendref: reference.jdendref,
    nframesref: reference.nframesref,
    rbversion: RB_VERSION,
    magzpsci: exposure.magzpsci,
    magzpsciunc: random.uniform(2e-6, 2e-5),
    nmatches: random.integer(400, 2000),
    exptime: 30,
    drb: observation.drb,
    drbversion: DRB_VERSION,
  };
}

/** Lists the object's observations in the 30 days before observation `index`, oldest first, or returns null when there are none. */
function buildHistory(object: ObservedObject, index: number): Record<string, unknown>[] | null {
  const currentMjd = object.observations[index]!.exposure.mjd;
  const history: Record<string, unknown>[] = [];

  object.observations.forEach((observation, j) => {
    const { exposure } = observation;
    if (!(exposure.mjd < currentMjd && exposure.mjd >= currentMjd - HISTORY_WINDOW_DAYS)) return;
    const shared = {
      jd: julianDate(exposure.mjd),
      fid: exposure.fid,
      pid: object.pids[j],
      diffmaglim: exposure.diffmaglim,
      programid: PROGRAM_ID_PUBLIC,
      nid: exposure.nid,
      rcid: object.rcid,
      field: object.field.fieldId,
      magzpsci: exposure.magzpsci,
      rbversion: RB_VERSION,
    };
    const candid = object.candids[j];
    if (!observation.detected || candid === null || candid === undefined) {
      history.push({ ...shared, candid: null, isdiffpos: null, tblid: null, ra: null, dec: null, magpsf: null, sigmapsf: null, rb: null, drb: null });
      return;
    }
    history.push({
      ...shared,
      candid,
      isdiffpos: observation.isdiffpos,
      tblid: candid % 10_000n,
      ra: observation.ra,
      dec: observation.dec,
      magpsf: observation.magpsf,
      sigmapsf: observation.sigmapsf,
      rb: observation.rb,
      drb: observation.drb,
    });
  });
  return history.length === 0 ? null : history;
}

/**
 * A 63 × 63 FITS image of zeros, gzip-compressed: the format of ZTF cutouts without their
 * content. Built once because every cutout shares it.
 */
const BLANK_STAMP = buildBlankStamp();

function buildBlankStamp(): Buffer {
  const cards = ['SIMPLE  =                    T', 'BITPIX  =                  -32', 'NAXIS   =                    2', 'NAXIS1  =                   63', 'NAXIS2  =                   63', 'END'];
  const header = Buffer.alloc(2880, ' ');
  cards.forEach((card, i) => header.write(card.padEnd(80), i * 80, 'ascii'));
  const data = Buffer.alloc(Math.ceil((63 * 63 * 4) / 2880) * 2880);
  return gzipSync(Buffer.concat([header, data]));
}

/** Names a cutout as ZTF alerts do and gives it the blank stamp as its image. */
function placeholderCutout(fileName: string): { fileName: string; stampData: Buffer } {
  return { fileName, stampData: BLANK_STAMP };
}
