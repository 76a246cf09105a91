import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { command } from '../../../services/cli/src/commands/simulate.ts';
import { UsageError } from '../../../services/cli/src/command.ts';

const root = mkdtempSync(join(tmpdir(), 'lightbridge-simulate-cli-'));

afterEach(() => {
  vi.restoreAllMocks();
});

afterAll(() => {
  rmSync(root, { recursive: true, force: true });
});

function captureStdout(): () => string {
  const chunks: string[] = [];
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    chunks.push(String(chunk));
    return true;
  });
  return () => chunks.join('');
}

describe('simulate command', () => {
  it.each(['--out', '--seed', '--objects', '--night', '--codec'])('usage explains %s', (option) => {
    const line = command.usage.split('\n').find((text) => text.trimStart().startsWith(option));
    expect(line).toBeDefined();
  });

  it('usage gives each default', () => {
    expect(command.usage).toMatch(/--seed[^\n]*\n?[^\n]*default: 1\)/);
    expect(command.usage).toContain('default: 400');
    expect(command.usage).toContain('default: 2026-06-15');
    expect(command.usage).toContain('default: null');
  });

  it('prints a summary', async () => {
    const output = captureStdout();
    const outDir = join(root, 'night');
    const code = await command.run(['--out', outDir, '--objects', '30', '--seed', '2']);
    expect(code).toBe(0);
    expect(output()).toMatch(/30 objects, \d+ alerts/);
    expect(output()).toContain(join(outDir, 'alerts'));
    expect(output()).toMatch(/\bIa\s+\d+\s+\d+/);
  });

  it('requires --out', async () => {
    await expect(command.run(['--seed', '2'])).rejects.toThrow(UsageError);
  });

  it.each([
    ['--seed', '-3'],
    ['--objects', 'many'],
    ['--night', '2026-13-01'],
    ['--codec', 'zstd'],
  ])('rejects %s %s', async (option, value) => {
    await expect(command.run(['--out', join(root, 'bad'), option, value])).rejects.toThrow(UsageError);
  });
});
