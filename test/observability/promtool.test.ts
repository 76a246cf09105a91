import { execFileSync, spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const checkScript = fileURLToPath(new URL('../../deploy/prometheus/check.sh', import.meta.url));

function promtoolAvailable(): boolean {
  try {
    execFileSync('promtool', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    if (process.env.CI === 'true') {
      throw new Error('promtool is missing under CI=true; install it with: bash deploy/prometheus/install.sh');
    }
    console.warn('skipping: promtool is missing; install it with: bash deploy/prometheus/install.sh');
    return false;
  }
}

describe.runIf(promtoolAvailable())('deploy/prometheus check.sh', () => {
  it('passes config, rules and rule tests', () => {
    const result = spawnSync('bash', [checkScript], { encoding: 'utf8' });
    const output = `${result.stdout}${result.stderr}`;
    expect(result.status, output).toBe(0);
    expect(output).toContain('SUCCESS: prometheus.yml is valid');
    expect(output).toMatch(/Unit Testing: .*lightbridge\.rules\.test\.yml\s+SUCCESS/);
  });
});
