import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Root of the repository, found from this file's location. */
export const REPOSITORY_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** The shared data folder that sits beside the repository (`../shared/data`). */
export const SHARED_DATA = process.env.LIGHTBRIDGE_SHARED_DATA ?? resolve(REPOSITORY_ROOT, '..', 'shared', 'data');

/**
 * Resolves a path under the shared data folder. When it is missing, returns undefined so the
 * caller can skip, except under CI=true, where a missing data set is a failure.
 */
export function sharedDataPath(...parts: string[]): string | undefined {
  const path = join(SHARED_DATA, ...parts);
  if (existsSync(path)) return path;
  if (process.env.CI === 'true') {
    throw new Error(`shared data ${path} is missing; CI runs must have ../shared/data beside the repository`);
  }
  console.warn(`skipping: shared data ${path} is missing (set LIGHTBRIDGE_SHARED_DATA or place ../shared/data beside the repository)`);
  return undefined;
}

/** The four folders of real ZTF alerts. */
export const ZTF_ALERT_FOLDERS = ['alerts/ztf-avro-alert', 'alerts/ampel-ztf', 'alerts/fink-ztf', 'alerts/pitt-google'];
