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

const handedOut = new Set<number>();

/**
 * A free port in `[first, last]` that this process has not handed out before: for servers that
 * cannot take an ephemeral port (Temporal keeps membership ports in a 16-bit signed column).
 */
export async function freePortInRange(first: number, last: number, host = '127.0.0.1'): Promise<number> {
  for (let port = first; port <= last; port++) {
    if (handedOut.has(port)) continue;
    if ((await tryListen(port, host)) === port) {
      handedOut.add(port);
      return port;
    }
  }
  throw new Error(`No free TCP port on ${host} between ${first} and ${last}`);
}
