import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Registry } from 'prom-client';
import { livenessAnswer, readinessAnswer } from '../schemas/readiness';
import type { Readiness } from './readiness';
import { temporalSdkMetrics } from './temporal-metrics';

/**
 * The small listener of a process that runs no API (`--role worker|bridge|codec`): `GET /livez`,
 * `GET /readyz` and `GET /metrics` (the process's own counters, e.g. parked effects or the bridge's
 * lag, and the Temporal SDK's). It carries no client data and takes no token, so it belongs on an
 * internal network only.
 */
export async function startHealthListener(opts: {
  host: string;
  port: number;
  readiness: Readiness;
  registry: Registry;
}): Promise<{ url: string; close(): Promise<void> }> {
  const server: Server = createServer((request, response) => {
    const path = (request.url ?? '').split('?')[0];
    const json = (status: number, body: unknown) =>
      response.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    if (request.method !== 'GET') return json(405, { message: 'use GET' });
    switch (path) {
      case '/livez':
        return json(200, livenessAnswer.parse({ status: 'alive' }));
      case '/readyz': {
        const report = readinessAnswer.parse(opts.readiness.report());
        return json(report.status === 'ready' ? 200 : 503, report);
      }
      case '/metrics':
        return void Promise.all([opts.registry.metrics(), temporalSdkMetrics()])
          .then(([own, sdk]) => own + sdk)
          .then(
            (text) => response.writeHead(200, { 'content-type': opts.registry.contentType }).end(text),
            () => json(500, { message: 'metrics could not be collected' }),
          );
      default:
        return json(404, { message: 'no such route: GET /livez, /readyz or /metrics' });
    }
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, opts.host, () => resolve());
  });
  const { address, port } = server.address() as AddressInfo;
  return {
    url: `http://${address.includes(':') ? `[${address}]` : address}:${port}`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        // Probes keep connections alive; a stopped process must not wait for them.
        server.closeAllConnections();
      }),
  };
}
