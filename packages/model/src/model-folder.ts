import { existsSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { ModelLoadError } from './errors.ts';

/**
 * Finds the folder of the model to load. A folder with manifest.json is used as it is. A folder
 * with a CURRENT file, which contains the name of a version folder, points to that version, so a
 * new model can be placed beside the old one and switched to by rewriting CURRENT.
 */
export function resolveModelFolder(folder: string): string {
  const absolute = resolve(folder);
  if (!existsSync(absolute)) throw new ModelLoadError(`model folder ${absolute} not found`);
  if (!statSync(absolute).isDirectory()) throw new ModelLoadError(`model folder ${absolute} is a file, expected a folder`);
  if (existsSync(join(absolute, 'manifest.json'))) return absolute;

  const pointer = join(absolute, 'CURRENT');
  if (!existsSync(pointer)) {
    throw new ModelLoadError(`model folder ${absolute} has neither manifest.json nor a CURRENT file naming a version folder`);
  }
  const version = readFileSync(pointer, 'utf8').trim();
  if (version === '' || version.includes('/') || version.includes('..')) {
    throw new ModelLoadError(`${pointer} must hold the name of a version folder beside it, got ${JSON.stringify(version)}`);
  }
  const target = join(absolute, version);
  if (!existsSync(join(target, 'manifest.json'))) {
    throw new ModelLoadError(`${pointer} names ${version}, but ${target}/manifest.json does not exist`);
  }
  return target;
}
