import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { type Alert, type Detection, decodeAlerts } from '@lightbridge/alerts';
import { lightCurveKnownAt, mergeAlert, type LightCurve } from '../src/index.ts';
import { sharedDataPath } from '../../../test/support/shared-data.ts';
import { listAvroFiles } from '../../alerts/test/helpers.ts';

const context = { ra: 0, dec: 0, rb: 0.9, drb: 0.9, sgscore1: 0, distpsnr1: 5, ssdistnr: Number.NaN, ssmagnr: Number.NaN, ndethist: 1 };

function detection(sourceId: number, mjd: number, band: string, mag: number): Detection {
  const flux = 10 ** (-0.4 * (mag - 23.9));
  return { sourceId: String(sourceId), mjd, band, flux, fluxErr: flux * 0.05, mag, magErr: 0.05, isDiffPos: true, rb: 0.8, drb: Number.NaN };
}

/** An alert whose history is a subset of the object's points, as ZTF's 30-day window gives. */
const alertArbitrary = fc
  .record({
    points: fc.array(
      fc.record({ id: fc.integer({ min: 1, max: 30 }), band: fc.constantFrom('g', 'r'), mag: fc.double({ min: 15, max: 21, noNaN: true }) }),
      { minLength: 1, maxLength: 12 },
    ),
    limits: fc.array(fc.record({ day: fc.integer({ min: 0, max: 40 }), band: fc.constantFrom('g', 'r'), depth: fc.constantFrom(20, 20.5, 21) }), { maxLength: 5 }),
  })
  .map(({ points, limits }): Alert => {
    // A source id fixes time and band, so copies of one detection in different alerts agree.
    const detections = points.map((point) => detection(point.id, 59000 + point.id, point.id % 2 === 0 ? 'g' : 'r', point.mag));
    const candidate = detections[detections.length - 1]!;
    return {
      survey: 'ztf', schemaVersion: '3.3', objectId: 'ZTF21test', candid: candidate.sourceId, mjd: candidate.mjd, candidate,
      detections, nonDetections: limits.map((limit) => ({ mjd: 59000 + limit.day + 0.5, band: limit.band, limitingMag: limit.depth })),
      forcedPhotometry: [], context, cutouts: {}, warnings: [],
    };
  });

function mergeAll(alerts: readonly Alert[]): LightCurve {
  let lightCurve: LightCurve | undefined;
  for (const alert of alerts) lightCurve = mergeAlert(lightCurve, alert);
  return lightCurve!;
}

describe('mergeAlert properties', () => {
  it('is idempotent', () => {
    fc.assert(
      fc.property(fc.array(alertArbitrary, { minLength: 1, maxLength: 6 }), (alerts) => {
        const once = mergeAll(alerts);
        const twice = mergeAll([...alerts, ...alerts]);
        expect(twice).toEqual(once);
      }),
    );
  });

  it('does not depend on alert order', () => {
    fc.assert(
      fc.property(
        fc.array(alertArbitrary, { minLength: 1, maxLength: 6 }).chain((alerts) =>
          fc.tuple(fc.constant(alerts), fc.shuffledSubarray(alerts, { minLength: alerts.length, maxLength: alerts.length })),
        ),
        ([alerts, shuffled]) => {
          expect(mergeAll(shuffled)).toEqual(mergeAll(alerts));
        },
      ),
    );
  });

  it('keeps points unique and in time order', () => {
    fc.assert(
      fc.property(fc.array(alertArbitrary, { minLength: 1, maxLength: 6 }), (alerts) => {
        const lightCurve = mergeAll(alerts);
        const ids = lightCurve.detections.map((point) => point.sourceId);
        expect(new Set(ids).size).toBe(ids.length);
        for (let i = 1; i < lightCurve.detections.length; i += 1) {
          expect(lightCurve.detections[i]!.mjd).toBeGreaterThanOrEqual(lightCurve.detections[i - 1]!.mjd);
        }
        const limitKeys = lightCurve.nonDetections.map((point) => `${point.band}@${point.mjd}`);
        expect(new Set(limitKeys).size).toBe(limitKeys.length);
      }),
    );
  });

  it('picks the same copy of a conflicting point in any order', () => {
    const base = detection(7, 59007, 'g', 18);
    const revised = { ...base, mag: 18.2, flux: base.flux * 0.8 };
    const alertA = { ...(fc.sample(alertArbitrary, 1)[0]!), detections: [base], candidate: base, candid: '7' };
    const alertB = { ...alertA, detections: [revised], candidate: revised };
    expect(mergeAll([alertA, alertB]).detections).toEqual(mergeAll([alertB, alertA]).detections);
  });

  it('rejects an alert of another object', () => {
    const [alert] = fc.sample(alertArbitrary, 1);
    const lightCurve = mergeAlert(undefined, alert!);
    expect(() => mergeAlert(lightCurve, { ...alert!, objectId: 'ZTF21other' })).toThrow(/cannot merge alert of ztf:ZTF21other/);
  });
});

const objectFolder = sharedDataPath('alerts', 'pitt-google', 'ztf', 'ZTF21abiuvdk');
const describeData = objectFolder === undefined ? describe.skip : describe;

describeData('ZTF21abiuvdk light curve', () => {
  const alerts = objectFolder === undefined ? [] : listAvroFiles(objectFolder).map((file) => decodeAlerts(readFileSync(file))[0]!);

  it('holds every distinct detection once, in time order', () => {
    const lightCurve = mergeAll(alerts);
    const distinct = new Set(alerts.flatMap((alert) => alert.detections.map((point) => point.sourceId)));
    expect(alerts.length).toBe(34);
    expect(lightCurve.detections.length).toBe(distinct.size);
    expect(new Set(lightCurve.detections.map((point) => point.sourceId)).size).toBe(distinct.size);
    for (let i = 1; i < lightCurve.detections.length; i += 1) {
      expect(lightCurve.detections[i]!.mjd).toBeGreaterThanOrEqual(lightCurve.detections[i - 1]!.mjd);
    }
    expect(lightCurve.alertIds.length).toBe(34);
  });

  it('gives the same light curve for reversed and shuffled alerts', () => {
    const inOrder = mergeAll(alerts);
    expect(mergeAll([...alerts].reverse())).toEqual(inOrder);
    const shuffled = [...alerts].sort((a, b) => (a.candid.slice(-5) < b.candid.slice(-5) ? -1 : 1));
    expect(mergeAll(shuffled)).toEqual(inOrder);
  });
});

describe('lightCurveKnownAt', () => {
  const [template] = fc.sample(alertArbitrary, 1);
  const first = detection(1, 59001, 'g', 18);
  const second = detection(2, 59002, 'r', 18.5);
  const alertOne: Alert = { ...template!, candid: '1', mjd: 59001, candidate: first, detections: [first], nonDetections: [] };
  const alertTwo: Alert = { ...template!, candid: '2', mjd: 59002, candidate: second, detections: [first, second], nonDetections: [] };

  it('hides points that only later alerts carried', () => {
    const merged = mergeAll([alertTwo, alertOne]);
    expect(lightCurveKnownAt(merged, alertOne).detections.map((point) => point.sourceId)).toEqual(['1']);
    expect(lightCurveKnownAt(merged, alertTwo).detections.map((point) => point.sourceId)).toEqual(['1', '2']);
  });

  it('orders alerts of one exposure by candid', () => {
    const twin = detection(3, 59002, 'g', 19);
    const alertThree: Alert = { ...alertTwo, candid: '3', candidate: twin, detections: [twin] };
    const merged = mergeAll([alertThree, alertTwo]);
    expect(lightCurveKnownAt(merged, alertTwo).detections.map((point) => point.sourceId)).toEqual(['1', '2']);
    expect(lightCurveKnownAt(merged, alertThree).detections.map((point) => point.sourceId)).toEqual(['1', '3', '2']);
  });

  it('keeps the copy from the earliest alert', () => {
    const revised = { ...first, mag: 18.1, flux: first.flux * 0.9 };
    const laterAlert: Alert = { ...alertTwo, detections: [revised, second] };
    for (const order of [[alertOne, laterAlert], [laterAlert, alertOne]]) {
      const merged = mergeAll(order);
      expect(merged.detections[0]!.mag).toBe(18);
      expect(merged.detections[0]!.knownSinceCandid).toBe('1');
    }
  });
});
