import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { join } from 'node:path';
import { createServer, type TLSSocket } from 'node:tls';

/** PEM files of a throwaway CA, a server certificate for 127.0.0.1/localhost and a client certificate. */
export interface TestCertificates {
  caFile: string;
  serverCertFile: string;
  serverKeyFile: string;
  /** The server's key followed by its certificate: Kafka's PEM keystore. */
  serverKeystoreFile: string;
  clientCertFile: string;
  clientKeyFile: string;
}

/** Real certificates made with the openssl CLI, valid for two days. */
export function makeTestCertificates(dir: string): TestCertificates {
  mkdirSync(dir, { recursive: true });
  const at = (name: string) => join(dir, name);
  const openssl = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
  openssl(
    'req',
    '-x509',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-keyout',
    'ca.key',
    '-out',
    'ca.pem',
    '-days',
    '2',
    '-subj',
    '/CN=carepath test CA',
    '-addext',
    'basicConstraints=critical,CA:TRUE',
    '-addext',
    'keyUsage=critical,keyCertSign,cRLSign',
  );
  const issue = (name: string, subject: string, extensions: string) => {
    writeFileSync(at(`${name}.ext`), extensions);
    openssl(
      'req',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-keyout',
      `${name}.key`,
      '-out',
      `${name}.csr`,
      '-subj',
      subject,
    );
    openssl(
      'x509',
      '-req',
      '-in',
      `${name}.csr`,
      '-CA',
      'ca.pem',
      '-CAkey',
      'ca.key',
      '-CAcreateserial',
      '-out',
      `${name}.pem`,
      '-days',
      '2',
      '-extfile',
      `${name}.ext`,
    );
  };
  issue(
    'server',
    '/CN=localhost',
    'subjectAltName=DNS:localhost,IP:127.0.0.1\nextendedKeyUsage=serverAuth\nbasicConstraints=CA:FALSE\n',
  );
  issue('client', '/CN=carepath', 'extendedKeyUsage=clientAuth\nbasicConstraints=CA:FALSE\n');
  writeFileSync(
    at('server-keystore.pem'),
    readFileSync(at('server.key'), 'utf8') + readFileSync(at('server.pem'), 'utf8'),
  );
  return {
    caFile: at('ca.pem'),
    serverCertFile: at('server.pem'),
    serverKeyFile: at('server.key'),
    serverKeystoreFile: at('server-keystore.pem'),
    clientCertFile: at('client.pem'),
    clientKeyFile: at('client.key'),
  };
}

/**
 * A TLS-terminating frontend for a plaintext Temporal dev server, as a load balancer in front of
 * Temporal is: real handshakes (ALPN h2, as gRPC needs), a client certificate required when
 * `requireClientCert`, bytes piped to `upstream` after. It counts the handshakes it completed, with
 * the verified client's subject.
 */
export async function startTlsFrontend(opts: {
  certificates: TestCertificates;
  upstream: { host: string; port: number };
  requireClientCert: boolean;
}): Promise<{ address: string; clients: string[]; close(): Promise<void> }> {
  const clients: string[] = [];
  const sockets = new Set<Socket>();
  const server = createServer(
    {
      cert: readFileSync(opts.certificates.serverCertFile),
      key: readFileSync(opts.certificates.serverKeyFile),
      ca: readFileSync(opts.certificates.caFile),
      requestCert: opts.requireClientCert,
      rejectUnauthorized: opts.requireClientCert,
      ALPNProtocols: ['h2'],
    },
    (tlsSocket: TLSSocket) => {
      clients.push(
        [tlsSocket.getPeerCertificate().subject?.CN ?? '(no client certificate)'].flat().join(','),
      );
      const upstream = connect(opts.upstream.port, opts.upstream.host);
      for (const socket of [tlsSocket, upstream]) {
        sockets.add(socket);
        socket.once('close', () => sockets.delete(socket));
        socket.on('error', () => undefined);
      }
      tlsSocket.pipe(upstream).pipe(tlsSocket);
      tlsSocket.once('close', () => upstream.destroy());
      upstream.once('close', () => tlsSocket.destroy());
    },
  );
  server.on('tlsClientError', () => undefined);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (typeof address !== 'object' || address === null) throw new Error('the TLS frontend has no address');
  return {
    address: `127.0.0.1:${address.port}`,
    clients,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
