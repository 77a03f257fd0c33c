import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defaultPayloadConverter } from '@temporalio/common';
import { EncryptionCodec, keyIdMetadata, PayloadDecryptionError } from '../../codec/encryption-codec';
import { loadKeyRing, PayloadKeyError, type KeyRing } from '../../codec/key-ring';
import { ConfigError, loadLocalConfig } from '../../config';

const key = () => randomBytes(32).toString('base64');
const keyIdOf = (payload: { metadata?: Record<string, Uint8Array | null | undefined> | null }) =>
  Buffer.from(payload.metadata?.[keyIdMetadata] ?? []).toString();

describe('payload keys and the encryption codec', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'carepath-keys-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  test('outside local mode, start-up stops without keys or with a malformed one, naming the variable', () => {
    const production = { CAREPATH_MODE: 'production', CAREPATH_OPERATOR_TOKENS_FILE: '/etc/ops.json' };
    expect(() => loadLocalConfig({ ...production, CAREPATH_API_TOKENS_FILE: '/t.json' })).toThrow(
      /CAREPATH_PAYLOAD_KEYS_FILE=\(unset\): required outside local mode/,
    );
    expect(() => loadLocalConfig({ CAREPATH_PAYLOAD_KEYS: 'no-key-here' })).toThrow(ConfigError);
    const short = loadLocalConfig({ CAREPATH_PAYLOAD_KEYS: `k1:${randomBytes(16).toString('base64')}` }, dir);
    expect(() => loadKeyRing(short)).toThrow(/key k1 is not 32 bytes/);
    const two = loadLocalConfig({ CAREPATH_PAYLOAD_KEYS: `k1:${key()},k2:${key()}` }, dir);
    expect(() => loadKeyRing(two)).toThrow(PayloadKeyError);
    expect(() => loadKeyRing(two)).toThrow(/CAREPATH_PAYLOAD_KEY_CURRENT/);
  });

  test('keys come from a file, with the current key named', () => {
    const file = join(dir, 'keys');
    writeFileSync(file, `# rotated 2025-06\nold:${key()}\nnew:${key()}\n`);
    const ring = loadKeyRing(
      loadLocalConfig({ CAREPATH_PAYLOAD_KEYS_FILE: file, CAREPATH_PAYLOAD_KEY_CURRENT: 'new' }, dir),
    );
    expect(ring.currentKeyId).toBe('new');
    expect([...ring.keys.keys()]).toEqual(['old', 'new']);
  });

  test('local mode makes one key in the data dir and reuses it', () => {
    const config = loadLocalConfig({ CAREPATH_DATA_DIR: dir }, dir);
    const first = loadKeyRing(config);
    const second = loadKeyRing(config);
    expect(
      first.keys.get(first.currentKeyId)?.equals(second.keys.get(second.currentKeyId) ?? Buffer.alloc(0)),
    ).toBe(true);
    expect(readFileSync(join(dir, 'payload-keys'), 'utf8')).toMatch(/^local-1:/m);
  });

  test('rotation: what the old key encrypted still decodes once a new key is current', async () => {
    const old = randomBytes(32);
    const before: KeyRing = { currentKeyId: 'old', keys: new Map([['old', old]]) };
    const after: KeyRing = {
      currentKeyId: 'new',
      keys: new Map([
        ['old', old],
        ['new', randomBytes(32)],
      ]),
    };
    const value = { sobrietyDate: '2019-03-17' };
    const [sealed] = await new EncryptionCodec(before).encode([defaultPayloadConverter.toPayload(value)]);
    if (!sealed) throw new Error('no payload encoded');
    const codec = new EncryptionCodec(after);
    const [opened] = await codec.decode([sealed]);
    expect(opened && defaultPayloadConverter.fromPayload(opened)).toEqual(value);
    const [resealed] = await codec.encode([defaultPayloadConverter.toPayload(value)]);
    expect(resealed && keyIdOf(resealed)).toBe('new');
    const retired: KeyRing = { currentKeyId: 'new', keys: new Map([['new', randomBytes(32)]]) };
    await expect(new EncryptionCodec(retired).decode([sealed])).rejects.toThrow(PayloadDecryptionError);
  });

  test('payloads written before encryption pass through; altered ciphertext is refused', async () => {
    const ring: KeyRing = { currentKeyId: 'k', keys: new Map([['k', randomBytes(32)]]) };
    const codec = new EncryptionCodec(ring);
    const plain = defaultPayloadConverter.toPayload({ level: 'iop' });
    expect(await codec.decode([plain])).toEqual([plain]);
    const [sealed] = await codec.encode([plain]);
    if (!sealed?.data) throw new Error('no payload encoded');
    const tampered = {
      ...sealed,
      data: Uint8Array.from(sealed.data, (byte, i) => (i === 20 ? byte ^ 1 : byte)),
    };
    await expect(codec.decode([tampered])).rejects.toThrow(/fails authentication/);
  });
});
