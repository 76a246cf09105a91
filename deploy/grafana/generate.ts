// Writes dashboards/lightbridge.json from the typed builder in packages/telemetry.
// Run with `pnpm dashboard`; test/observability/dashboard.test.ts fails when the file is stale.
import { writeFileSync } from 'node:fs';
import { renderDashboard } from '../../packages/telemetry/src/metrics-dashboard.ts';

const target = new URL('./dashboards/lightbridge.json', import.meta.url);
writeFileSync(target, renderDashboard());
console.log(`wrote ${target.pathname}`);
