import { describe, expect, it } from 'vitest';

import { createFeatureSet, FEATURE_LIST_VERSION, ZTF_FEATURES } from '../src/index.ts';

describe('feature definitions', () => {
  it('names are unique', () => {
    expect(new Set(ZTF_FEATURES.names).size).toBe(ZTF_FEATURES.names.length);
  });

  it('names follow definitions', () => {
    expect(ZTF_FEATURES.names).toEqual(ZTF_FEATURES.definitions.map((definition) => definition.name));
  });

  it('every feature has unit and description', () => {
    for (const definition of ZTF_FEATURES.definitions) {
      expect(definition.unit, definition.name).not.toBe('');
      expect(definition.description, definition.name).toMatch(/^[A-Z].*\.$/);
    }
  });

  it('ZTF set has the requested features', () => {
    const required = [
      'n_det', 'span', 'amplitude', 'peak_flux', 'peak_mag', 'peak_time', 'rise_rate', 'decline_rate', 'std', 'skew',
      'excess_var', 'stetson_k', 'last_nondet_gap', 'mean_snr', 'bazin_amplitude', 'bazin_t0', 'bazin_rise',
      'bazin_fall', 'bazin_chi2',
    ];
    for (const band of ['g', 'r']) {
      for (const key of required) {
        expect(ZTF_FEATURES.names).toContain(`${band}_${key}`);
      }
    }
    const crossBand = ['n_det', 'n_nondet', 'span', 'age', 'colour_at_peak_g_r', 'colour_last_g_r', 'stetson_j',
      'frac_negative', 'max_slope', 'ctx_rb', 'ctx_drb', 'ctx_sgscore1', 'ctx_distpsnr1', 'ctx_ssdistnr', 'ctx_ndethist'];
    for (const name of crossBand) {
      expect(ZTF_FEATURES.names).toContain(name);
    }
  });

  it('version names list and bands', () => {
    expect(ZTF_FEATURES.version).toBe(`lightbridge-features/${FEATURE_LIST_VERSION} bands=g,r`);
    expect(ZTF_FEATURES.bands).toEqual(['g', 'r']);
  });

  it('four bands give three colour pairs', () => {
    const des = createFeatureSet(['g', 'r', 'i', 'z']);
    const colours = des.names.filter((name) => name.startsWith('colour_'));
    expect(colours).toEqual([
      'colour_at_peak_g_r', 'colour_last_g_r',
      'colour_at_peak_r_i', 'colour_last_r_i',
      'colour_at_peak_i_z', 'colour_last_i_z',
    ]);
    expect(new Set(des.names).size).toBe(des.names.length);
  });

  it('version differs between band sets', () => {
    expect(createFeatureSet(['g', 'r', 'i', 'z']).version).not.toBe(ZTF_FEATURES.version);
  });

  it('single band has no colours', () => {
    const single = createFeatureSet(['r']);
    expect(single.names.some((name) => name.startsWith('colour_'))).toBe(false);
  });

  it('createFeatureSet rejects an empty list', () => {
    expect(() => createFeatureSet([])).toThrow(/empty/);
  });

  it('createFeatureSet rejects a repeated band', () => {
    expect(() => createFeatureSet(['g', 'g'])).toThrow(/repeats/);
  });

  it('createFeatureSet rejects a bad band name', () => {
    expect(() => createFeatureSet(['g band'])).toThrow(/invalid band name/);
  });

  it('definitions are frozen', () => {
    expect(Object.isFrozen(ZTF_FEATURES.names)).toBe(true);
    expect(Object.isFrozen(ZTF_FEATURES.definitions[0])).toBe(true);
  });
});
