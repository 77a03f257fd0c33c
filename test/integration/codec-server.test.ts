import { randomBytes } from 'node:crypto';
import { defaultPayloadConverter } from '@temporalio/common';
import { generateToken, hashToken } from '../../api/tokens';
import { EncryptionCodec, isEncrypted } from '../../codec/encryption-codec';
import type { KeyRing } from '../../codec/key-ring';
import { OperatorTokens } from '../../codec/operator-tokens';
import { startCodecServer } from '../../codec/server';

/** The Temporal UI's view of the codec server: operators decode, nobody else does. */
describe('the codec server', () => {
  const ring: KeyRing = { currentKeyId: 'k1', keys: new Map([['k1', randomBytes(32)]]) };
  const operatorToken = generateToken();
  const uiOrigin = 'http://127.0.0.1:8233';
  let server: Awaited<ReturnType<typeof startCodecServer>>;
  let wire: { payloads: { metadata: Record<string, string>; data: string }[] };
  const intake = { sobrietyDate: '2019-03-17', standAloneIndications: ['prior-sobriety-recent-relapse'] };

  beforeAll(async () => {
    server = await startCodecServer({
      ring,
      operators: new OperatorTokens({
        operators: [{ sha256: hashToken(operatorToken), operatorId: 'ops-1' }],
      }),
      corsOrigins: [uiOrigin],
      host: '127.0.0.1',
      port: 0,
    });
    const [sealed] = await new EncryptionCodec(ring).encode([defaultPayloadConverter.toPayload(intake)]);
    wire = {
      payloads: [
        {
          metadata: Object.fromEntries(
            Object.entries(sealed?.metadata ?? {}).map(([k, v]) => [
              k,
              Buffer.from(v ?? []).toString('base64'),
            ]),
          ),
          data: Buffer.from(sealed?.data ?? []).toString('base64'),
        },
      ],
    };
  });
  afterAll(() => server.close());

  const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
    fetch(`${server.url}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify(body),
    });
  const decodedValue = async (response: Response) => {
    const body = (await response.json()) as {
      payloads: { metadata: Record<string, string>; data: string }[];
    };
    const [payload] = body.payloads;
    return JSON.parse(Buffer.from(payload?.data ?? '', 'base64').toString('utf8')) as unknown;
  };

  test('refuses to decode without a token or with one that is not an operator’s', async () => {
    const refused: Record<string, string>[] = [
      {},
      { authorization: `Bearer ${generateToken()}` },
      { authorization: 'Basic b3BzOjE=' },
    ];
    for (const headers of refused) {
      const response = await post('/decode', wire, headers);
      expect(response.status).toBe(401);
      expect(await response.text()).not.toContain('prior-sobriety');
    }
    expect((await post(`/operator/${generateToken()}/decode`, wire)).status).toBe(401);
  });

  test('decodes for an operator, by bearer header or by the token in the UI endpoint’s path', async () => {
    const byHeader = await post('/decode', wire, { authorization: `Bearer ${operatorToken}` });
    expect(byHeader.status).toBe(200);
    expect(await decodedValue(byHeader)).toEqual(intake);
    const byPath = await post(`/operator/${operatorToken}/decode`, wire);
    expect(byPath.status).toBe(200);
    expect(await decodedValue(byPath)).toEqual(intake);
  });

  test('encodes for an operator into payloads that decode back', async () => {
    const plain = defaultPayloadConverter.toPayload({ score: 19 });
    const encoded = await post(
      '/encode',
      {
        payloads: [
          {
            metadata: { encoding: Buffer.from(plain.metadata?.encoding ?? []).toString('base64') },
            data: Buffer.from(plain.data ?? []).toString('base64'),
          },
        ],
      },
      { authorization: `Bearer ${operatorToken}` },
    );
    expect(encoded.status).toBe(200);
    const body = (await encoded.json()) as typeof wire;
    expect(Buffer.from(body.payloads[0]?.metadata.encoding ?? '', 'base64').toString()).toBe(
      'binary/encrypted',
    );
    expect(
      await decodedValue(await post('/decode', body, { authorization: `Bearer ${operatorToken}` })),
    ).toEqual({
      score: 19,
    });
  });

  test("answers the UI's preflight for its origin only, and refuses malformed requests", async () => {
    const preflight = (origin: string) =>
      fetch(`${server.url}/decode`, {
        method: 'OPTIONS',
        headers: {
          origin,
          'access-control-request-method': 'POST',
          'access-control-request-headers': 'content-type,x-namespace',
        },
      });
    const allowed = await preflight(uiOrigin);
    expect(allowed.status).toBe(204);
    expect(allowed.headers.get('access-control-allow-origin')).toBe(uiOrigin);
    expect(allowed.headers.get('access-control-allow-headers')).toMatch(/X-Namespace/i);
    expect(
      (await preflight('https://elsewhere.example')).headers.get('access-control-allow-origin'),
    ).toBeNull();
    const auth = { authorization: `Bearer ${operatorToken}` };
    expect((await post('/decode', { payloads: [{ data: 'not base64!' }] }, auth)).status).toBe(400);
    expect((await post('/transcode', wire, auth)).status).toBe(404);
  });

  test('an unknown key id is refused with the reason, not a crash', async () => {
    const other: KeyRing = { currentKeyId: 'k9', keys: new Map([['k9', randomBytes(32)]]) };
    const [foreign] = await new EncryptionCodec(other).encode([defaultPayloadConverter.toPayload(intake)]);
    expect(foreign && isEncrypted(foreign)).toBe(true);
    const response = await post(
      '/decode',
      {
        payloads: [
          {
            metadata: Object.fromEntries(
              Object.entries(foreign?.metadata ?? {}).map(([k, v]) => [
                k,
                Buffer.from(v ?? []).toString('base64'),
              ]),
            ),
            data: Buffer.from(foreign?.data ?? []).toString('base64'),
          },
        ],
      },
      { authorization: `Bearer ${operatorToken}` },
    );
    expect(response.status).toBe(422);
    expect(((await response.json()) as { message: string }).message).toContain('k9');
  });
});
