import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const main = fileURLToPath(new URL('../src/main.ts', import.meta.url));

function lightbridge(...args: string[]) {
  return spawnSync(process.execPath, ['--import', 'tsx', main, ...args], {
    encoding: 'utf8',
    env: { ...process.env, LIGHTBRIDGE_LOG_LEVEL: 'error' },
    timeout: 120_000,
  });
}

describe('lightbridge classify command', () => {
  it('prints usage for --help', () => {
    const result = lightbridge('classify', '--help');
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(/usage: lightbridge classify/);
    expect(result.stdout).toMatch(/--state DIR/);
  });

  it('exits 2 on an unknown option', () => {
    const result = lightbridge('classify', '--colour', 'blue');
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/Unknown option '--colour'/);
  });

  it('exits 2 on a bad batch size', () => {
    const result = lightbridge('classify', 'x.avro', '--batch-size', '0');
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/--batch-size must be a positive integer, got "0"/);
  });

  it('exits 1 with one line for a missing model', () => {
    const out = mkdtempSync(join(tmpdir(), 'lightbridge-cli-'));
    const result = lightbridge('classify', out, '--out', out, '--model', join(out, 'no-model'));
    expect(result.status).toBe(1);
    expect(result.stderr.trim()).toMatch(/^lightbridge classify: model folder .*no-model not found$/);
    expect(result.stderr).not.toMatch(/at .*\.ts:\d+/);
  });

  it('classifies a simulated night with no path', () => {
    const out = mkdtempSync(join(tmpdir(), 'lightbridge-cli-'));
    const result = lightbridge('classify', '--out', out, '--objects', '60', '--no-progress');
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(/inputs read: +\d+/);
    expect(result.stdout).toMatch(/confusion/);
    const summary = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8'));
    expect(summary.read).toBeGreaterThan(0);
    expect(summary.rejected).toBe(0);
    expect(summary.classified + summary.flagged).toBeGreaterThanOrEqual(summary.read);
    expect(existsSync(join(out, 'classifications.avro'))).toBe(true);
  });

  it('exits 2 for a missing input path', () => {
    const result = lightbridge('classify', '/nonexistent/alerts');
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/input not found: \/nonexistent\/alerts/);
  });

  it('exits 1 for a folder without alerts', () => {
    const empty = mkdtempSync(join(tmpdir(), 'lightbridge-cli-'));
    const out = mkdtempSync(join(tmpdir(), 'lightbridge-cli-'));
    const result = lightbridge('classify', empty, '--out', out, '--no-progress');
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/no .avro files or archives found/);
  });

  it('exits 2 when --out is a file', () => {
    const folder = mkdtempSync(join(tmpdir(), 'lightbridge-cli-'));
    const file = join(folder, 'out.txt');
    writeFileSync(file, 'x');
    const result = lightbridge('classify', folder, '--out', file);
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/is a file, expected a folder/);
  });

  it('rejects an unknown command', () => {
    const result = lightbridge('paint');
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/unknown command "paint"/);
  });
});
