import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeContainer } from '@lightbridge/alerts';
import { allocateClassCounts, SIMULATED_CLASSES, simulateNight, type SimulationSummary } from '../src/index.ts';

interface PrvCandidate {
  jd: number;
  fid: number;
  candid: bigint | null;
  isdiffpos: string | null;
  magpsf: number | null;
  sigmapsf: number | null;
  diffmaglim: number | null;
}

interface AlertRecord {
  schemavsn: string;
  publisher: string;
  objectId: string;
  candid: bigint;
  candidate: Record<string, unknown> & { jd: number; candid: bigint; magpsf: number; sigmapsf: number; diffmaglim: number; isdiffpos: string };
  prv_candidates: PrvCandidate[] | null;
}

const OBJECTS = 150;
const NIGHT = '2026-03-20';
const root = mkdtempSync(join(tmpdir(), 'lightbridge-simulator-test-'));
let first: SimulationSummary;
let second: SimulationSummary;
let otherSeed: SimulationSummary;
let alerts: AlertRecord[];

function readRecord(file: string): AlertRecord {
  const container = decodeContainer(readFileSync(file));
  return container.records[0] as AlertRecord;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

beforeAll(async () => {
  first = await simulateNight({ outDir: join(root, 'first'), seed: 7, objects: OBJECTS, night: NIGHT });
  second = await simulateNight({ outDir: join(root, 'second'), seed: 7, objects: OBJECTS, night: NIGHT });
  otherSeed = await simulateNight({ outDir: join(root, 'other'), seed: 8, objects: OBJECTS, night: NIGHT });
  alerts = first.alertFiles.map(readRecord);
});

afterAll(() => {
  rmSync(root, { recursive: true, force: true });
});

describe('simulateNight reproducibility', () => {
  it('same seed gives identical bytes', () => {
    expect(second.alertFiles.map((file) => basename(file))).toEqual(first.alertFiles.map((file) => basename(file)));
    for (let i = 0; i < first.alertFiles.length; i += 1) {
      expect(readFileSync(second.alertFiles[i]!).equals(readFileSync(first.alertFiles[i]!))).toBe(true);
    }
    expect(readFileSync(second.truthFile, 'utf8')).toBe(readFileSync(first.truthFile, 'utf8'));
  });

  it('different seed gives different files', () => {
    expect(readFileSync(otherSeed.truthFile, 'utf8')).not.toBe(readFileSync(first.truthFile, 'utf8'));
    const firstNames = new Set(first.alertFiles.map((file) => basename(file)));
    const shared = otherSeed.alertFiles.filter((file) => firstNames.has(basename(file)));
    expect(shared.length).toBeLessThan(otherSeed.alertFiles.length);
  });
});

describe('simulateNight alert files', () => {
  it('writes one decodable alert per file', () => {
    expect(first.alertFiles.length).toBeGreaterThan(0);
    expect(readdirSync(join(root, 'first', 'alerts')).length).toBe(first.alertFiles.length);
    for (const file of first.alertFiles) {
      const container = decodeContainer(readFileSync(file));
      expect(container.records).toHaveLength(1);
    }
  });

  it('names each file by its candid', () => {
    first.alertFiles.forEach((file, i) => {
      expect(basename(file)).toBe(`${alerts[i]!.candid}.avro`);
      expect(alerts[i]!.candidate.candid).toBe(alerts[i]!.candid);
    });
  });

  it('follows ZTF identity conventions', () => {
    for (const alert of alerts) {
      expect(alert.schemavsn).toBe('4.02');
      expect(alert.publisher).toBe('lightbridge-simulator');
      expect(alert.objectId).toMatch(/^ZTF26[a-z]{7}$/);
      expect(typeof alert.candid).toBe('bigint');
      expect(String(alert.candid)).toHaveLength(19);
      expect([1, 2]).toContain(alert.candidate.fid);
      expect(['t', 'f']).toContain(alert.candidate.isdiffpos);
    }
  });

  it('gives each candid to one object', () => {
    const ownerByCandid = new Map<bigint, string>();
    for (const alert of alerts) {
      for (const entry of [alert.candidate, ...(alert.prv_candidates ?? [])]) {
        if (entry.candid === null) continue;
        const candid = entry.candid as bigint;
        expect(ownerByCandid.get(candid) ?? alert.objectId).toBe(alert.objectId);
        ownerByCandid.set(candid, alert.objectId);
      }
    }
    expect(ownerByCandid.size).toBeGreaterThan(alerts.length);
  });

  it('puts candidates on the night', () => {
    const nightStartJd = Date.UTC(2026, 2, 20) / 86_400_000 + 2_440_587.5;
    for (const alert of alerts) {
      expect(alert.candidate.jd).toBeGreaterThanOrEqual(nightStartJd);
      expect(alert.candidate.jd).toBeLessThan(nightStartJd + 1);
    }
  });

  it('writes the same records with every codec', async () => {
    for (const codec of ['deflate', 'snappy'] as const) {
      const summary = await simulateNight({ outDir: join(root, codec), seed: 7, objects: OBJECTS, night: NIGHT, codec });
      expect(summary.alertFiles.length).toBe(first.alertFiles.length);
      const container = decodeContainer(readFileSync(summary.alertFiles[0]!));
      expect(container.codec).toBe(codec);
      expect(container.records[0]).toEqual(alerts[0]);
    }
  });
});

describe('simulateNight histories', () => {
  it('holds only earlier times within 30 days', () => {
    for (const alert of alerts) {
      for (const entry of alert.prv_candidates ?? []) {
        expect(entry.jd).toBeLessThan(alert.candidate.jd);
        expect(entry.jd).toBeGreaterThanOrEqual(alert.candidate.jd - 30);
      }
    }
  });

  it('keeps histories in time order', () => {
    for (const alert of alerts) {
      const times = (alert.prv_candidates ?? []).map((entry) => entry.jd);
      expect(times).toEqual([...times].sort((a, b) => a - b));
    }
  });

  it('contains non-detections as upper limits', () => {
    const upperLimits = alerts.flatMap((alert) => (alert.prv_candidates ?? []).filter((entry) => entry.candid === null));
    expect(upperLimits.length).toBeGreaterThan(0);
    for (const entry of upperLimits) {
      expect(entry.magpsf).toBeNull();
      expect(entry.sigmapsf).toBeNull();
      expect(entry.isdiffpos).toBeNull();
      expect(typeof entry.diffmaglim).toBe('number');
    }
  });

  it('has detections no fainter than their limit', () => {
    const detections = alerts.flatMap((alert) => [alert.candidate, ...(alert.prv_candidates ?? []).filter((entry) => entry.candid !== null)]);
    for (const entry of detections) {
      expect(entry.magpsf as number).toBeLessThanOrEqual(entry.diffmaglim as number);
    }
  });

  it('grows histories within a night', () => {
    const byObject = new Map<string, AlertRecord[]>();
    for (const alert of alerts) byObject.set(alert.objectId, [...(byObject.get(alert.objectId) ?? []), alert]);
    let pairs = 0;
    for (const objectAlerts of byObject.values()) {
      for (let i = 1; i < objectAlerts.length; i += 1) {
        const earlier = objectAlerts[i - 1]!;
        const later = objectAlerts[i]!;
        const laterCandids = (later.prv_candidates ?? []).map((entry) => entry.candid);
        expect(laterCandids).toContain(earlier.candid);
        pairs += 1;
      }
    }
    expect(pairs).toBeGreaterThan(0);
  });

  it('includes objects with prior detections', () => {
    const withPriorDetections = alerts.filter((alert) => (alert.prv_candidates ?? []).some((entry) => entry.candid !== null && entry.jd < alert.candidate.jd - 1));
    expect(withPriorDetections.length).toBeGreaterThan(0);
  });
});

describe('simulateNight photometry', () => {
  it('noise grows with magnitude', () => {
    const detections = alerts.flatMap((alert) => [alert.candidate, ...(alert.prv_candidates ?? []).filter((entry) => entry.candid !== null)]);
    const near = (mag: number) => detections.filter((entry) => Math.abs((entry.magpsf as number) - mag) < 0.25).map((entry) => entry.sigmapsf as number);
    const at18 = near(18);
    const at20 = near(20);
    expect(at18.length).toBeGreaterThan(10);
    expect(at20.length).toBeGreaterThan(10);
    expect(median(at20)).toBeGreaterThan(median(at18));
  });

  it('gives variable stars negative differences', () => {
    const starIds = new Set(first.truth.filter((row) => row.class === 'star').map((row) => row.objectId));
    const starDetections = alerts.filter((alert) => starIds.has(alert.objectId)).flatMap((alert) => [alert.candidate, ...(alert.prv_candidates ?? [])]);
    expect(starDetections.some((entry) => entry.isdiffpos === 'f')).toBe(true);
    expect(starDetections.some((entry) => entry.isdiffpos === 't')).toBe(true);
  });
});

describe('simulateNight impostors', () => {
  const alertsOf = (simulatedClass: string) => {
    const ids = new Set(first.truth.filter((row) => row.class === simulatedClass).map((row) => row.objectId));
    return alerts.filter((alert) => ids.has(alert.objectId));
  };

  it('gives bogus detections low scores', () => {
    const bogus = alertsOf('bogus');
    expect(bogus.length).toBeGreaterThan(0);
    for (const alert of bogus) {
      expect(alert.candidate.rb as number).toBeLessThan(0.35);
      expect(alert.candidate.drb as number).toBeLessThan(0.2);
      expect(alert.candidate.ndethist as number).toBeLessThanOrEqual(2);
    }
  });

  it('puts variable stars on PS1 stars', () => {
    const stars = alertsOf('star');
    expect(stars.length).toBeGreaterThan(0);
    for (const alert of stars) {
      expect(alert.candidate.sgscore1 as number).toBeGreaterThan(0.9);
      expect(alert.candidate.distpsnr1 as number).toBeLessThan(1);
    }
  });

  it('gives asteroids a known solar-system object', () => {
    const asteroids = alertsOf('asteroid');
    expect(asteroids.length).toBeGreaterThan(0);
    for (const alert of asteroids) {
      expect(alert.candidate.ssdistnr as number).toBeGreaterThan(0);
      expect(alert.candidate.ssdistnr as number).toBeLessThan(5);
      expect(alert.candidate.ssmagnr as number).toBeGreaterThan(0);
      expect(alert.candidate.ndethist).toBe(1);
    }
    const asteroidRows = first.truth.filter((row) => row.class === 'asteroid');
    for (const row of asteroidRows) expect(row.alerts).toBe(1);
  });

  it('marks transients with no solar-system object', () => {
    for (const alert of alertsOf('Ia')) {
      expect(alert.candidate.ssdistnr).toBe(-999);
      expect(alert.candidate.ssmagnr).toBe(-999);
    }
  });
});

describe('simulateNight truth', () => {
  it('has the allocated count per class', () => {
    const expected = allocateClassCounts(OBJECTS);
    for (const simulatedClass of SIMULATED_CLASSES) {
      expect(first.truth.filter((row) => row.class === simulatedClass).length).toBe(expected[simulatedClass]);
    }
    expect(first.truth).toHaveLength(OBJECTS);
  });

  it('lists every alerting object with its count', () => {
    const counts = new Map<string, number>();
    for (const alert of alerts) counts.set(alert.objectId, (counts.get(alert.objectId) ?? 0) + 1);
    const truthById = new Map(first.truth.map((row) => [row.objectId, row]));
    for (const [objectId, count] of counts) {
      expect(truthById.get(objectId)?.alerts).toBe(count);
    }
    const alertingRows = first.truth.filter((row) => row.alerts > 0);
    expect(alertingRows).toHaveLength(counts.size);
  });

  it('writes the truth CSV', () => {
    const lines = readFileSync(first.truthFile, 'utf8').trim().split('\n');
    expect(lines[0]).toBe('objectId,class,redshift,peak_mag,peak_mjd,alerts');
    expect(lines).toHaveLength(OBJECTS + 1);
    const [objectId, simulatedClass, , , , count] = lines[1]!.split(',');
    expect(objectId).toBe(first.truth[0]!.objectId);
    expect(simulatedClass).toBe(first.truth[0]!.class);
    expect(Number(count)).toBe(first.truth[0]!.alerts);
  });

  it('spans apparent peaks of 17 to 21 mag', () => {
    const transients = first.truth.filter((row) => ['Ia', 'II', 'Ibc', 'SLSN', 'other'].includes(row.class));
    for (const row of transients) {
      expect(row.peakMag).toBeGreaterThanOrEqual(17);
      expect(row.peakMag).toBeLessThanOrEqual(21);
      expect(row.redshift).toBeGreaterThan(0);
    }
  });

  it('gives most transients an alert', () => {
    const transients = first.truth.filter((row) => ['Ia', 'II', 'Ibc', 'SLSN', 'other'].includes(row.class));
    const alerting = transients.filter((row) => row.alerts > 0);
    expect(alerting.length / transients.length).toBeGreaterThan(0.6);
  });
});

describe('simulateNight options', () => {
  it('rejects a folder with alerts', async () => {
    await expect(simulateNight({ outDir: join(root, 'first'), seed: 7, objects: 5, night: NIGHT })).rejects.toThrow(/already contains/);
  });

  it.each([
    ['negative seed', { seed: -1 }],
    ['fractional seed', { seed: 1.5 }],
    ['zero objects', { objects: 0 }],
    ['impossible date', { night: '2026-02-30' }],
    ['malformed date', { night: '20260320' }],
  ])('rejects %s', async (_name, override) => {
    const options = { outDir: join(root, 'invalid'), seed: 1, objects: 5, night: NIGHT, ...override };
    await expect(simulateNight(options)).rejects.toThrow(RangeError);
  });
});
