import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Registry } from 'prom-client';

/** Readiness of the service: ready only when every check is true. */
export interface Readiness {
  ready: boolean;
  /** Named checks, for example connected, partitionsAssigned, modelLoaded, stateRestored. */
  checks: Record<string, boolean>;
}

export interface TelemetryServerOptions {
  /** Address to bind; 127.0.0.1 unless Prometheus scrapes from another host. */
  host?: string;
  /** TCP port; 0 picks a free one (read it back from `port`). */
  port: number;
  registry: Registry;
  readiness: () => Readiness;
}

export interface TelemetryServer {
  /** Base URL, for example http://127.0.0.1:9464. */
  readonly url: string;
  readonly port: number;
  /** Stops accepting connections and resolves when open connections have closed. */
  close(): Promise<void>;
}

/**
 * Starts the HTTP server that Prometheus and the orchestrator poll. GET /metrics returns the
 * Prometheus text format and /healthz returns 200 while the process runs. /readyz returns 200
 * when every check is true, else 503, with the checks as JSON. Any other path returns 404.
 */
export async function startTelemetryServer(options: TelemetryServerOptions): Promise<TelemetryServer> {
  const host = options.host ?? '127.0.0.1';
  const server = createServer((request, response) => {
    void handle(options, request, response);
  });

  await listen(server, host, options.port);
  const port = (server.address() as AddressInfo).port;
  const urlHost = host.includes(':') ? `[${host}]` : host;
  return {
    url: `http://${urlHost}:${port}`,
    port,
    close: () => closeServer(server),
  };
}

async function handle(options: TelemetryServerOptions, request: IncomingMessage, response: ServerResponse): Promise<void> {
  const path = new URL(request.url ?? '/', 'http://localhost').pathname;
  if (request.method !== 'GET' && request.method !== 'HEAD') {
    send(response, 405, 'text/plain; charset=utf-8', `method ${request.method} is not allowed; use GET\n`, { allow: 'GET, HEAD' });
    return;
  }

  try {
    switch (path) {
      case '/metrics':
        send(response, 200, options.registry.contentType, await options.registry.metrics());
        return;
      case '/healthz':
        send(response, 200, 'text/plain; charset=utf-8', 'ok\n');
        return;
      case '/readyz':
        sendReadiness(response, options.readiness());
        return;
      default:
        send(response, 404, 'text/plain; charset=utf-8', `not found: ${path}; the paths are /metrics, /healthz and /readyz\n`);
    }
  } catch (error) {
    // A failing collector or readiness callback must not kill the process that serves alerts.
    send(response, path === '/readyz' ? 503 : 500, 'text/plain; charset=utf-8', `${path} failed: ${(error as Error).message}\n`);
  }
}

/** Sends 200 or 503; an empty checks object counts as not ready, because readiness was never wired in. */
function sendReadiness(response: ServerResponse, readiness: Readiness): void {
  const values = Object.values(readiness.checks);
  const ready = readiness.ready && values.length > 0 && values.every((value) => value);
  const body = JSON.stringify({ ready, checks: readiness.checks });
  send(response, ready ? 200 : 503, 'application/json', `${body}\n`);
}

function send(response: ServerResponse, status: number, contentType: string, body: string, headers: Record<string, string> = {}): void {
  response.writeHead(status, { 'content-type': contentType, 'content-length': Buffer.byteLength(body), ...headers });
  response.end(response.req.method === 'HEAD' ? undefined : body);
}

function listen(server: Server, host: string, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (error: Error): void => {
      reject(new Error(`telemetry server cannot listen on ${host}:${port}: ${error.message}; choose another port`, { cause: error }));
    };
    server.once('error', onError);
    server.listen(port, host, () => {
      server.off('error', onError);
      resolve();
    });
  });
}

function closeServer(server: Server): Promise<void> {
  return new Promise((resolve, reject) => {
    server.close((error) => (error === undefined ? resolve() : reject(error)));
    // Prometheus keeps scrape connections alive; without this close() would wait for them.
    server.closeIdleConnections();
  });
}
