import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { decodeAlerts, decodeContainer, encodeContainer } from '../src/index.ts';
import { sharedDataPath } from '../../../test/support/shared-data.ts';

const schemaFolder = sharedDataPath('alerts', 'ztf-avro-alert', 'schemas');
const dataFolder = sharedDataPath('alerts', 'ztf-avro-alert', 'data');
const describeData = schemaFolder === undefined || dataFolder === undefined ? describe.skip : describe;

/** Builds one self-contained ZTF 4.02 schema by putting each named type in place of its first reference. */
function ztf402Schema(): any {
  const load = (name: string) => JSON.parse(readFileSync(join(schemaFolder!, `${name}.avsc`), 'utf8'));
  const named: Record<string, any> = {
    'ztf.alert.candidate': load('candidate'),
    'ztf.alert.prv_candidate': load('prv_candidate'),
    'ztf.alert.fp_hist': load('fp_hist'),
    'ztf.alert.cutout': load('cutout'),
  };
  const seen = new Set<string>();
  const inline = (node: any): any => {
    if (typeof node === 'string' && named[node] !== undefined && !seen.has(node)) {
      seen.add(node);
      return named[node];
    }
    if (Array.isArray(node)) return node.map(inline);
    if (node !== null && typeof node === 'object') {
      return Object.fromEntries(Object.entries(node).map(([key, value]) => [key, inline(value)]));
    }
    return node;
  };
  return inline(load('alert'));
}

function fpHist(jd: number, fid: number, flux: number | null, procstatus: string, magzpsci = 26.0) {
  return {
    field: 500, rcid: 10, fid, pid: 1000n, rfid: 2000n, sciinpseeing: 2, scibckgnd: 100, scisigpix: 10,
    magzpsci, magzpsciunc: 0.01, magzpscirms: 0.02, clrcoeff: 0.1, clrcounc: 0.01, exptime: 30,
    adpctdif1: 0.1, adpctdif2: 0.1, diffmaglim: 20.5, programid: 1, jd,
    forcediffimflux: flux, forcediffimfluxunc: flux === null ? null : 25, procstatus,
    distnr: 1, ranr: 10, decnr: 10, magnr: 18, sigmagnr: 0.05, chinr: 1, sharpnr: 0,
  };
}

describeData('ZTF 4.02 forced photometry', () => {
  it('reads fp_hists and converts DN to µJy', () => {
    const source = decodeContainer(readFileSync(join(dataFolder!, '472263571115115000.avro'))).records[0] as any;
    const schema = ztf402Schema();
    const record = {
      ...source,
      schemavsn: '4.02',
      prv_candidates: [],
      fp_hists: [
        fpHist(2458226.5, 1, 100, '0'),
        fpHist(2458227.5, 2, -40, '0'),
        fpHist(2458228.5, 2, 80, '56'),
        fpHist(2458229.5, 1, -99999, '0'),
        fpHist(2458230.5, 1, null, '0'),
      ],
    };
    const candidateFields = new Set(schema.fields.find((field: any) => field.name === 'candidate').type.fields.map((field: any) => field.name));
    for (const key of Object.keys(record.candidate)) if (!candidateFields.has(key)) delete record.candidate[key];
    for (const field of schema.fields.find((f: any) => f.name === 'candidate').type.fields) {
      if (!(field.name in record.candidate)) record.candidate[field.name] = null;
    }

    const [alert] = decodeAlerts(encodeContainer(schema, [record]));
    expect(alert!.schemaVersion).toBe('4.02');
    expect(alert!.forcedPhotometry.length).toBe(2);
    const scale = 10 ** (-0.4 * (26.0 - 23.9));
    expect(alert!.forcedPhotometry[0]!.flux).toBeCloseTo(100 * scale, 9);
    expect(alert!.forcedPhotometry[0]!.fluxErr).toBeCloseTo(25 * scale, 9);
    expect(alert!.forcedPhotometry[0]!.band).toBe('g');
    expect(alert!.forcedPhotometry[1]!.flux).toBeCloseTo(-40 * scale, 9);
    expect(alert!.forcedPhotometry[1]!.mjd).toBeCloseTo(2458227.5 - 2400000.5, 9);
    expect(alert!.warnings.join('\n')).toMatch(/3 fp_hists entries left out/);
  });
});
