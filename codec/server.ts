import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { Payload } from '@temporalio/common';
import { z } from 'zod';
import type { ServeTls } from '../config/serve-tls';
import { logLine } from '../workers/log';
import { EncryptionCodec, PayloadDecryptionError } from './encryption-codec';
import type { KeyRing } from './key-ring';
import type { OperatorTokens } from './operator-tokens';

/**
 * The remote codec for the Temporal UI and CLI (`temporal --codec-endpoint`): `POST /encode` and
 * `POST /decode` with `{ payloads: [{ metadata: { key: base64 }, data: base64 }] }`, for operators
 * only. The token comes as `Authorization: Bearer <token>` (CLI `--codec-auth`, or a UI that passes
 * its access token), or as the path prefix `/operator/<token>`, because the Temporal UI without
 * single sign-on cannot send a header: that endpoint URL is then the operator's own secret.
 */

const base64 = z.string().regex(/^[A-Za-z0-9+/]*={0,2}$/, 'expected base64');
const codecRequestSchema = z.object({
  payloads: z.array(z.object({ metadata: z.record(z.string(), base64).optional(), data: base64.optional() })),
});
type WirePayload = z.infer<typeof codecRequestSchema>['payloads'][number];

const maxBodyBytes = 8 * 1024 * 1024;
const routePattern = /^(?:\/operator\/([^/]+))?\/(encode|decode)$/;

const fromWire = (p: WirePayload): Payload => ({
  metadata: Object.fromEntries(
    Object.entries(p.metadata ?? {}).map(([key, value]) => [
      key,
      new Uint8Array(Buffer.from(value, 'base64')),
    ]),
  ),
  data: new Uint8Array(Buffer.from(p.data ?? '', 'base64')),
});
const toWire = (p: Payload): WirePayload => ({
  metadata: Object.fromEntries(
    Object.entries(p.metadata ?? {}).map(([key, value]) => [
      key,
      Buffer.from(value ?? new Uint8Array()).toString('base64'),
    ]),
  ),
  data: Buffer.from(p.data ?? new Uint8Array()).toString('base64'),
});

class CodecRefusal extends Error {
  override readonly name = 'CodecRefusal';
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

async function readBody(request: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size > maxBodyBytes) throw new CodecRefusal(413, `request body exceeds ${maxBodyBytes} bytes`);
    chunks.push(chunk as Buffer);
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch {
    throw new CodecRefusal(400, 'request body is not JSON');
  }
}

export interface CodecServerOptions {
  ring: KeyRing;
  operators: OperatorTokens;
  /** Browser origins (the Temporal UI's) allowed to call the server. */
  corsOrigins: readonly string[];
}

export function codecServer(opts: CodecServerOptions & { tls?: ServeTls }): Server {
  const codec = new EncryptionCodec(opts.ring);

  const cors = (request: IncomingMessage, response: ServerResponse) => {
    const origin = request.headers.origin;
    if (origin === undefined || !opts.corsOrigins.includes(origin)) return;
    response.setHeader('access-control-allow-origin', origin);
    response.setHeader('vary', 'Origin');
    response.setHeader('access-control-allow-methods', 'POST, OPTIONS');
    response.setHeader('access-control-allow-headers', 'Authorization, Content-Type, X-Namespace');
    response.setHeader('access-control-allow-credentials', 'true');
  };

  const handle = async (
    request: IncomingMessage,
    response: ServerResponse,
  ): Promise<{ operatorId?: string; payloads?: number }> => {
    const route = routePattern.exec((request.url ?? '').split('?')[0] ?? '');
    if (!route) throw new CodecRefusal(404, 'no such route: POST /encode or /decode');
    // A browser's preflight carries no token; the POST that follows must.
    if (request.method === 'OPTIONS') {
      response.writeHead(204).end();
      return {};
    }
    if (request.method !== 'POST') throw new CodecRefusal(405, 'use POST');
    const presented = route[1] ?? /^Bearer +(\S+)$/i.exec(request.headers.authorization ?? '')?.[1];
    const operatorId = presented === undefined ? undefined : opts.operators.authenticate(presented);
    if (operatorId === undefined) {
      response.setHeader('www-authenticate', 'Bearer realm="carepath-codec"');
      throw new CodecRefusal(401, 'send an operator\'s token (see README, "Payload encryption keys")');
    }
    const parsed = codecRequestSchema.safeParse(await readBody(request));
    if (!parsed.success) throw new CodecRefusal(400, 'expected { payloads: [{ metadata, data }] } in base64');
    const payloads = parsed.data.payloads.map(fromWire);
    const answered = route[2] === 'encode' ? await codec.encode(payloads) : await codec.decode(payloads);
    response.writeHead(200, { 'content-type': 'application/json' });
    response.end(JSON.stringify({ payloads: answered.map(toWire) }));
    return { operatorId, payloads: payloads.length };
  };

  const listener = (request: IncomingMessage, response: ServerResponse) => {
    const started = Date.now();
    cors(request, response);
    // The route without the operator's token: access logs carry no secrets and no bodies.
    const path = (request.url ?? '').split('?')[0]?.replace(/^\/operator\/[^/]+/, '/operator/…');
    handle(request, response)
      .catch((error: unknown) => {
        const status =
          error instanceof CodecRefusal ? error.status : error instanceof PayloadDecryptionError ? 422 : 500;
        const message =
          error instanceof CodecRefusal || error instanceof PayloadDecryptionError
            ? error.message
            : 'internal error';
        response.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify({ message }));
        return { error: error instanceof Error ? error.name : 'unknown' };
      })
      .then((outcome) =>
        logLine('info', 'codec server: request', {
          method: request.method,
          path,
          status: response.statusCode,
          ms: Date.now() - started,
          ...outcome,
        }),
      )
      .catch(() => undefined);
  };
  return opts.tls
    ? createHttpsServer({ cert: opts.tls.cert, key: opts.tls.key.reveal() }, listener)
    : createServer(listener);
}

/** Starts the codec server; resolves with its URL once it listens. */
export async function startCodecServer(
  opts: CodecServerOptions & { host: string; port: number; tls?: ServeTls },
): Promise<{ url: string; server: Server; close(): Promise<void> }> {
  const server = codecServer(opts);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, opts.host, () => resolve());
  });
  const { address, port } = server.address() as AddressInfo;
  return {
    url: `${opts.tls ? 'https' : 'http'}://${address.includes(':') ? `[${address}]` : address}:${port}`,
    server,
    close: () =>
      new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve()))),
  };
}
