import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, truncateSync, writeFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readAlertInputs, type AlertInput } from '../src/index.ts';
import { sharedDataPath } from '../../../test/support/shared-data.ts';
import { listAvroFiles } from './helpers.ts';

const folder = sharedDataPath('alerts', 'pitt-google', 'ztf', 'ZTF21abiuvdk');
const describeData = folder === undefined ? describe.skip : describe;

async function readAll(paths: string[], maxBytes?: number): Promise<AlertInput[]> {
  const inputs: AlertInput[] = [];
  for await (const input of readAlertInputs(paths, { maxBytes })) inputs.push(input);
  return inputs;
}

describeData('alert input readers', () => {
  it('walks a folder in name order', async () => {
    const inputs = await readAll([folder!]);
    expect(inputs.map((input) => input.source)).toEqual(listAvroFiles(folder!));
    expect(inputs.every((input) => input.bytes !== undefined)).toBe(true);
  });

  it('reads tar.gz and tar archives', async () => {
    const work = mkdtempSync(join(tmpdir(), 'lightbridge-tar-'));
    execFileSync('tar', ['-czf', join(work, 'night.tar.gz'), '-C', folder!, '.']);
    execFileSync('tar', ['-cf', join(work, 'night.tar'), '-C', folder!, '.']);

    for (const archive of ['night.tar.gz', 'night.tar']) {
      const inputs = await readAll([join(work, archive)]);
      expect(inputs.length).toBe(34);
      const first = inputs.find((input) => input.source.endsWith('ZTF21abiuvdk.1642404680815015001.ztf_20210701_programid1.avro'));
      expect(first?.bytes).toEqual(readFileSync(join(folder!, 'ZTF21abiuvdk.1642404680815015001.ztf_20210701_programid1.avro')));
    }
  });

  it('reports a truncated archive', async () => {
    const work = mkdtempSync(join(tmpdir(), 'lightbridge-tar-'));
    const archive = join(work, 'cut.tar.gz');
    execFileSync('tar', ['-czf', archive, '-C', folder!, '.']);
    truncateSync(archive, Math.floor(statSync(archive).size / 2));

    const inputs = await readAll([archive]);
    const errors = inputs.filter((input) => input.error !== undefined);
    expect(errors.length).toBe(1);
    expect(errors[0]!.error!.message).toMatch(/archive cannot be read to its end/);
    expect(inputs.length - errors.length).toBeLessThan(34);
  });

  it('reports a missing path', async () => {
    const inputs = await readAll(['/nonexistent/lightbridge']);
    expect(inputs.length).toBe(1);
    expect(inputs[0]!.error?.message).toMatch(/ENOENT/);
  });

  it('reports an oversized file without reading it', async () => {
    const work = mkdtempSync(join(tmpdir(), 'lightbridge-big-'));
    const path = join(work, 'big.avro');
    writeFileSync(path, Buffer.alloc(2048));
    const inputs = await readAll([path], 1024);
    expect(inputs[0]!.error).toMatchObject({ reason: 'too-large' });
  });
});
