import { readFileSync } from 'node:fs';
import { DEFAULT_GATE_CONFIG, type GateConfig } from './gate.ts';

/**
 * Reads a gate configuration from a JSON file. Keys that the file leaves out keep their defaults;
 * an unknown key or a value of the wrong type is an error that names it.
 */
export function readGateConfig(path: string): GateConfig {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new Error(`gate configuration ${path} cannot be read: ${(error as Error).message}`);
  }
  return mergeGateConfig(parsed, path);
}

/** Overlays a partial configuration on the defaults, checking every key and type. */
export function mergeGateConfig(partial: unknown, where = 'gate configuration'): GateConfig {
  const merged = structuredClone(DEFAULT_GATE_CONFIG) as unknown as Record<string, Record<string, unknown>>;
  if (partial === null || typeof partial !== 'object' || Array.isArray(partial)) {
    throw new Error(`${where} must be a JSON object, got ${JSON.stringify(partial)}`);
  }

  for (const [ruleName, ruleValue] of Object.entries(partial)) {
    const rule = merged[ruleName];
    if (rule === undefined) {
      throw new Error(`${where}: unknown rule "${ruleName}" (known: ${Object.keys(merged).join(', ')})`);
    }
    if (ruleValue === null || typeof ruleValue !== 'object' || Array.isArray(ruleValue)) {
      throw new Error(`${where}: rule "${ruleName}" must be an object`);
    }
    for (const [key, value] of Object.entries(ruleValue)) {
      if (!(key in rule)) {
        throw new Error(`${where}: rule "${ruleName}" has no setting "${key}" (known: ${Object.keys(rule).join(', ')})`);
      }
      if (typeof value !== typeof rule[key] || (typeof value === 'number' && !Number.isFinite(value))) {
        throw new Error(`${where}: ${ruleName}.${key} must be a ${typeof rule[key]}, got ${JSON.stringify(value)}`);
      }
      checkRange(ruleName, key, value, where);
      rule[key] = value;
    }
  }
  return merged as unknown as GateConfig;
}

/** Score thresholds lie in 0–1, distances and counts are not negative, counts are whole. */
function checkRange(ruleName: string, key: string, value: unknown, where: string): void {
  if (typeof value !== 'number') return;
  const isScore = key === 'minDrb' || key === 'minRb' || key === 'minSgscore';
  if (isScore && (value < 0 || value > 1)) {
    throw new Error(`${where}: ${ruleName}.${key} must lie between 0 and 1, got ${value}`);
  }
  if (value < 0) throw new Error(`${where}: ${ruleName}.${key} must not be negative, got ${value}`);
  if (key === 'minDetections' && !Number.isInteger(value)) {
    throw new Error(`${where}: ${ruleName}.${key} must be a whole number, got ${value}`);
  }
}
