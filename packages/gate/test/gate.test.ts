import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { AlertContext } from '@lightbridge/alerts';
import { DEFAULT_GATE_CONFIG, evaluateGate, mergeGateConfig, readGateConfig } from '../src/index.ts';

const clean: AlertContext = {
  ra: 10, dec: 20, rb: 0.9, drb: 0.99, sgscore1: 0.1, distpsnr1: 3, ssdistnr: Number.NaN, ssmagnr: Number.NaN, ndethist: 5,
};

describe('evaluateGate', () => {
  it('passes a clean transient', () => {
    expect(evaluateGate(clean, 5)).toEqual({ flags: [], score: true });
  });

  it('flags low drb as bogus', () => {
    const result = evaluateGate({ ...clean, drb: 0.2 }, 5);
    expect(result.flags).toEqual(['bogus']);
    expect(result.score).toBe(false);
  });

  it('uses rb when drb is absent', () => {
    expect(evaluateGate({ ...clean, drb: Number.NaN, rb: 0.3 }, 5).flags).toEqual(['bogus']);
    expect(evaluateGate({ ...clean, drb: Number.NaN, rb: 0.7 }, 5).flags).toEqual([]);
  });

  it('flags a nearby solar-system object', () => {
    expect(evaluateGate({ ...clean, ssdistnr: 1.2 }, 5).flags).toEqual(['solar-system']);
    expect(evaluateGate({ ...clean, ssdistnr: 30 }, 5).flags).toEqual([]);
  });

  it('flags a star under the position', () => {
    expect(evaluateGate({ ...clean, sgscore1: 0.98, distpsnr1: 0.4 }, 5).flags).toEqual(['star']);
    expect(evaluateGate({ ...clean, sgscore1: 0.98, distpsnr1: 4 }, 5).flags).toEqual([]);
  });

  it('flags too few detections', () => {
    expect(evaluateGate(clean, 1).flags).toEqual(['too-few-detections']);
  });

  it('keeps scoring when a rule does not block', () => {
    const config = mergeGateConfig({ tooFewDetections: { blocksScoring: false } });
    const result = evaluateGate(clean, 1, config);
    expect(result.flags).toEqual(['too-few-detections']);
    expect(result.score).toBe(true);
  });

  it('skips a disabled rule', () => {
    const config = mergeGateConfig({ star: { enabled: false } });
    expect(evaluateGate({ ...clean, sgscore1: 1, distpsnr1: 0.1 }, 5, config).flags).toEqual([]);
  });
});

describe('gate configuration', () => {
  it('reads a partial file over the defaults', () => {
    const path = join(mkdtempSync(join(tmpdir(), 'lightbridge-gate-')), 'gate.json');
    writeFileSync(path, JSON.stringify({ bogus: { minDrb: 0.8 } }));
    const config = readGateConfig(path);
    expect(config.bogus.minDrb).toBe(0.8);
    expect(config.bogus.minRb).toBe(DEFAULT_GATE_CONFIG.bogus.minRb);
    expect(config.star).toEqual(DEFAULT_GATE_CONFIG.star);
  });

  it('rejects an unknown rule', () => {
    expect(() => mergeGateConfig({ galaxy: {} })).toThrow(/unknown rule "galaxy"/);
  });

  it('rejects an unknown setting', () => {
    expect(() => mergeGateConfig({ bogus: { minScore: 1 } })).toThrow(/has no setting "minScore"/);
  });

  it('rejects a wrong type', () => {
    expect(() => mergeGateConfig({ bogus: { minDrb: '0.5' } })).toThrow(/bogus.minDrb must be a number/);
  });

  it('rejects a score outside 0 to 1', () => {
    expect(() => mergeGateConfig({ bogus: { minDrb: 8 } })).toThrow(/bogus.minDrb must lie between 0 and 1, got 8/);
  });

  it('rejects a negative distance', () => {
    expect(() => mergeGateConfig({ star: { maxDistanceArcsec: -1 } })).toThrow(/must not be negative/);
  });

  it('rejects a fractional detection count', () => {
    expect(() => mergeGateConfig({ tooFewDetections: { minDetections: 2.5 } })).toThrow(/must be a whole number/);
  });

  it('rejects an unreadable file', () => {
    expect(() => readGateConfig('/nonexistent/gate.json')).toThrow(/cannot be read/);
  });
});
