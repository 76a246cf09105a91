import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The light-curve data sets in the shared data folder beside the repository (`../shared/data`). */
const LIGHTCURVES = resolve(dirname(fileURLToPath(import.meta.url)), '../../../../shared/data/lightcurves');

/**
 * Returns the folder of a shared light-curve data set, or undefined (with a message) when it is
 * missing so the caller can skip. Under CI=true a missing folder is a failure.
 */
export function sharedLightcurves(name: string): string | undefined {
  const path = join(LIGHTCURVES, name);
  if (existsSync(path)) {
    return path;
  }
  if (process.env.CI === 'true') {
    throw new Error(`shared data ${path} is missing; CI runs need ../shared/data beside the repository`);
  }
  console.warn(`skipping: shared data ${path} is missing`);
  return undefined;
}
