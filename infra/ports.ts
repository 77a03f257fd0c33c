import { createServer } from 'node:net';
import { PortInUse } from './errors';

function tryListen(port: number, host: string): Promise<number | undefined> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(undefined));
    server.listen(port, host, () => {
      const address = server.address();
      const bound = typeof address === 'object' && address ? address.port : undefined;
      server.close(() => resolve(bound));
    });
  });
}

export async function assertPortFree(port: number, what: string, variable: string, host = '127.0.0.1') {
  if ((await tryListen(port, host)) === undefined) throw new PortInUse(port, what, variable);
}

/** A port the OS reports free now; the caller binds it soon after, as tests do for their own stack. */
export async function freePort(host = '127.0.0.1'): Promise<number> {
  const port = await tryListen(0, host);
  if (port === undefined) throw new Error(`Could not find a free TCP port on ${host}`);
  return port;
}
