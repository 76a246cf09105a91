import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { LightCurve } from '@lightbridge/lightcurve';
import { decodeLightCurve, encodeLightCurve, PartitionStore, splitBySize } from '../src/index.ts';

function lightCurve(objectId: string, alertIds: string[]): LightCurve {
  return {
    survey: 'ztf',
    objectId,
    detections: [],
    nonDetections: [],
    forcedPhotometry: [],
    alertIds,
  };
}

describe('light-curve codec', () => {
  it('round-trips NaN and infinities', () => {
    const original = lightCurve('ZTF21abiuvdk', ['1670437220815015006']) as LightCurve & { extra: number[] };
    original.extra = [Number.NaN, Number.POSITIVE_INFINITY, -1.5];
    const decoded = decodeLightCurve(encodeLightCurve(original)) as typeof original;
    expect(decoded.objectId).toBe('ZTF21abiuvdk');
    expect(decoded.alertIds).toEqual(['1670437220815015006']);
    expect(Number.isNaN(decoded.extra[0])).toBe(true);
    expect(decoded.extra[1]).toBe(Number.POSITIVE_INFINITY);
    expect(decoded.extra[2]).toBe(-1.5);
  });

  it('rejects a value that is no light curve', () => {
    expect(() => decodeLightCurve(encodeLightCurve({ objectId: 1 } as unknown as LightCurve))).toThrow(/not a msgpack light curve/);
  });
});

describe('PartitionStore', () => {
  it('records the applied offset', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'lightbridge-partition-')), 'group.lightcurve-changelog-0');
    const store = new PartitionStore(path);
    expect(store.appliedOffset()).toBe(-1);

    store.apply([lightCurve('ZTF1', ['1']), lightCurve('ZTF2', ['2'])], 41);
    expect(store.appliedOffset()).toBe(41);
    expect(store.get('ztf', 'ZTF1')?.alertIds).toEqual(['1']);
    await store.close();

    const reopened = new PartitionStore(path);
    expect(reopened.appliedOffset()).toBe(41);
    expect(reopened.count()).toBe(2);
    expect(reopened.get('ztf', 'ZTF2')?.alertIds).toEqual(['2']);

    await reopened.clear();
    expect(reopened.appliedOffset()).toBe(-1);
    expect(reopened.count()).toBe(0);
    await reopened.close();
  });
});

describe('splitBySize', () => {
  const message = (bytes: number) => ({ key: 'k', value: Buffer.alloc(bytes - 1) });

  it('keeps small sends whole', () => {
    const requests = splitBySize([{ topic: 'a', messages: [message(10), message(10)] }, { topic: 'b', messages: [message(10)] }], 100);
    expect(requests).toHaveLength(1);
    expect(requests[0]!.map((entry) => entry.topic)).toEqual(['a', 'b']);
  });

  it('splits at the byte limit', () => {
    const requests = splitBySize([{ topic: 'a', messages: [message(60), message(60), message(30)] }], 100);
    expect(requests.map((request) => request[0]!.messages.length)).toEqual([1, 2]);
  });

  it('sends an oversized message alone', () => {
    const requests = splitBySize([{ topic: 'a', messages: [message(10), message(500), message(10)] }], 100);
    expect(requests.map((request) => request[0]!.messages.length)).toEqual([1, 1, 1]);
  });
});
