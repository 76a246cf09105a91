import { Registry } from 'prom-client';
import { afterEach, describe, expect, it } from 'vitest';
import { startTelemetryServer, type Readiness, type TelemetryServer } from '../src/http.ts';
import { createBrokerMetrics } from '../src/metrics.ts';

const servers: TelemetryServer[] = [];

afterEach(async () => {
  for (const server of servers.splice(0)) await server.close();
});

async function start(readiness: () => Readiness, registry: Registry = new Registry()): Promise<TelemetryServer> {
  const server = await startTelemetryServer({ port: 0, registry, readiness });
  servers.push(server);
  return server;
}

const allReady = (): Readiness => ({ ready: true, checks: { connected: true, partitionsAssigned: true, modelLoaded: true, stateRestored: true } });

describe('startTelemetryServer', () => {
  it('binds 127.0.0.1 by default', async () => {
    const server = await start(allReady);
    expect(server.url).toBe(`http://127.0.0.1:${server.port}`);
    expect(server.port).toBeGreaterThan(0);
  });

  it('serves metrics in text format', async () => {
    const metrics = createBrokerMetrics();
    metrics.alertsConsumed.inc({ topic: 'ztf_alerts' }, 7);
    const server = await start(allReady, metrics.registry);
    const response = await fetch(`${server.url}/metrics`);
    const body = await response.text();
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    expect(body).toContain('# TYPE lightbridge_alerts_consumed_total counter');
    expect(body).toContain('lightbridge_alerts_consumed_total{topic="ztf_alerts"} 7');
  });

  it('answers healthz while running', async () => {
    const server = await start(() => ({ ready: false, checks: { connected: false } }));
    const response = await fetch(`${server.url}/healthz`);
    expect(response.status).toBe(200);
    expect(await response.text()).toBe('ok\n');
  });

  it('reports ready when all checks pass', async () => {
    const server = await start(allReady);
    const response = await fetch(`${server.url}/readyz`);
    const body = (await response.json()) as { ready: boolean; checks: Record<string, boolean> };
    expect(response.status).toBe(200);
    expect(body.ready).toBe(true);
    expect(body.checks.modelLoaded).toBe(true);
  });

  it('returns 503 with the failing check', async () => {
    const server = await start(() => ({ ready: true, checks: { connected: true, partitionsAssigned: false, modelLoaded: true, stateRestored: true } }));
    const response = await fetch(`${server.url}/readyz`);
    const body = (await response.json()) as { ready: boolean; checks: Record<string, boolean> };
    expect(response.status).toBe(503);
    expect(body.ready).toBe(false);
    expect(body.checks.partitionsAssigned).toBe(false);
    expect(body.checks.connected).toBe(true);
  });

  it('returns 503 when ready is false', async () => {
    const server = await start(() => ({ ready: false, checks: { connected: true } }));
    expect((await fetch(`${server.url}/readyz`)).status).toBe(503);
  });

  it('returns 503 without checks', async () => {
    const server = await start(() => ({ ready: true, checks: {} }));
    expect((await fetch(`${server.url}/readyz`)).status).toBe(503);
  });

  it('follows readiness changes', async () => {
    let connected = false;
    const server = await start(() => ({ ready: connected, checks: { connected } }));
    expect((await fetch(`${server.url}/readyz`)).status).toBe(503);
    connected = true;
    expect((await fetch(`${server.url}/readyz`)).status).toBe(200);
  });

  it('returns 503 when readiness throws', async () => {
    const server = await start(() => {
      throw new Error('consumer not created');
    });
    const response = await fetch(`${server.url}/readyz`);
    expect(response.status).toBe(503);
    expect(await response.text()).toContain('consumer not created');
  });

  it('returns 404 for other paths', async () => {
    const server = await start(allReady);
    const response = await fetch(`${server.url}/metrics/extra`);
    expect(response.status).toBe(404);
    expect(await response.text()).toContain('/metrics, /healthz and /readyz');
  });

  it('rejects POST', async () => {
    const server = await start(allReady);
    const response = await fetch(`${server.url}/metrics`, { method: 'POST', body: 'x' });
    expect(response.status).toBe(405);
    expect(response.headers.get('allow')).toBe('GET, HEAD');
  });

  it('ignores the query string', async () => {
    const server = await start(allReady);
    expect((await fetch(`${server.url}/healthz?probe=1`)).status).toBe(200);
  });

  it('reports a taken port', async () => {
    const first = await start(allReady);
    await expect(startTelemetryServer({ port: first.port, registry: new Registry(), readiness: allReady })).rejects.toThrow(`127.0.0.1:${first.port}`);
  });

  it('refuses connections after close', async () => {
    const server = await startTelemetryServer({ port: 0, registry: new Registry(), readiness: allReady });
    await fetch(`${server.url}/healthz`);
    await server.close();
    await expect(fetch(`${server.url}/healthz`)).rejects.toThrow();
  });
});
