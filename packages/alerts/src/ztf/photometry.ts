/** AB zero point of microjansky: m = 23.9 − 2.5 log10(f / µJy). */
export const MICROJANSKY_ZERO_POINT = 23.9;

const LN10_OVER_2_5 = Math.LN10 / 2.5;

/** ZTF filter ids: 1 = g, 2 = r (ZTF's documentation writes R), 3 = i. */
export function bandFromFid(fid: number): string | undefined {
  switch (fid) {
    case 1:
      return 'g';
    case 2:
      return 'r';
    case 3:
      return 'i';
    default:
      return undefined;
  }
}

/** Signed difference flux in µJy from a ZTF PSF magnitude and the isdiffpos sign. */
export function fluxFromMagnitude(mag: number, positive: boolean): number {
  const flux = 10 ** (-0.4 * (mag - MICROJANSKY_ZERO_POINT));
  return positive ? flux : -flux;
}

/** 1σ flux error in µJy from a magnitude error: |f| · σm · ln(10) / 2.5. */
export function fluxErrorFromMagnitudeError(flux: number, magErr: number): number {
  return Math.abs(flux) * magErr * LN10_OVER_2_5;
}

/** Converts a flux in image units (DN) to µJy with the image's AB zero point magzpsci. */
export function fluxToMicrojansky(fluxDn: number, magzpsci: number): number {
  return fluxDn * 10 ** (-0.4 * (magzpsci - MICROJANSKY_ZERO_POINT));
}

/** ZTF writes isdiffpos as 't'/'1' (positive) or 'f'/'0' (negative); returns undefined for anything else. */
export function parseIsDiffPos(value: unknown): boolean | undefined {
  switch (value) {
    case 't':
    case '1':
      return true;
    case 'f':
    case '0':
      return false;
    default:
      return undefined;
  }
}

export function jdToMjd(jd: number): number {
  return jd - 2400000.5;
}
