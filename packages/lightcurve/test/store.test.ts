import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { LmdbLightCurveStore, MemoryLightCurveStore, emptyLightCurve, type LightCurve } from '../src/index.ts';

function lightCurveWith(objectId: string, points: number): LightCurve {
  const lightCurve = emptyLightCurve('ztf', objectId);
  for (let i = 0; i < points; i += 1) {
    lightCurve.detections.push({
      sourceId: `${1000 + i}`, mjd: 59000 + i, band: i % 2 ? 'r' : 'g', flux: 100 + i, fluxErr: 5,
      mag: 18, magErr: 0.05, isDiffPos: true, rb: 0.9, drb: Number.NaN,
    });
  }
  lightCurve.alertIds.push('1000');
  return lightCurve;
}

describe('LmdbLightCurveStore', () => {
  it('keeps light curves across reopening', async () => {
    const path = mkdtempSync(join(tmpdir(), 'lightbridge-lmdb-'));
    const first = new LmdbLightCurveStore({ path });
    first.put(lightCurveWith('ZTF21aaaaaaa', 3));
    first.put(lightCurveWith('ZTF21aaaaaab', 5));
    await first.close();

    const second = new LmdbLightCurveStore({ path });
    expect(second.count()).toBe(2);
    const restored = second.get('ztf', 'ZTF21aaaaaab');
    expect(restored).toEqual(lightCurveWith('ZTF21aaaaaab', 5));
    expect(restored!.detections[0]!.drb).toBeNaN();
    await second.close();
  });

  it('reads its own writes before they are durable', async () => {
    const store = new LmdbLightCurveStore({ path: mkdtempSync(join(tmpdir(), 'lightbridge-lmdb-')) });
    store.put(lightCurveWith('ZTF21aaaaaaa', 1));
    store.put(lightCurveWith('ZTF21aaaaaaa', 2));
    expect(store.get('ztf', 'ZTF21aaaaaaa')?.detections.length).toBe(2);
    await store.flush();
    expect(store.get('ztf', 'ZTF21aaaaaaa')?.detections.length).toBe(2);
    await store.close();
  });

  it('returns undefined for an unknown object', async () => {
    const store = new LmdbLightCurveStore({ path: mkdtempSync(join(tmpdir(), 'lightbridge-lmdb-')) });
    expect(store.get('ztf', 'ZTF99zzzzzzz')).toBeUndefined();
    await store.close();
  });
});

describe('MemoryLightCurveStore', () => {
  it('stores by survey and object id', () => {
    const store = new MemoryLightCurveStore();
    store.put(lightCurveWith('ZTF21aaaaaaa', 2));
    expect(store.get('ztf', 'ZTF21aaaaaaa')?.detections.length).toBe(2);
    expect(store.get('lsst', 'ZTF21aaaaaaa')).toBeUndefined();
    expect(store.count()).toBe(1);
  });
});

describe('LmdbLightCurveStore paths', () => {
  it('opens a folder whose name has a dot', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'lightbridge-lmdb-')), 'run.1');
    const store = new LmdbLightCurveStore({ path });
    store.put(lightCurveWith('ZTF21aaaaaaa', 1));
    await store.close();
    const reopened = new LmdbLightCurveStore({ path });
    expect(reopened.count()).toBe(1);
    await reopened.close();
  });
});
