import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CarepathConfig } from '../config';

/**
 * The AES-256 keys that encrypt Temporal payloads. Every key in the ring decrypts; only the
 * current one encrypts, so a new key can be rolled out everywhere before it becomes current.
 */
export interface KeyRing {
  currentKeyId: string;
  keys: ReadonlyMap<string, Buffer>;
}

export const keyIdPattern = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
const keyBytes = 32;

export class PayloadKeyError extends Error {
  override readonly name = 'PayloadKeyError';
  constructor(problem: string) {
    super(
      `Payload encryption keys cannot be used: ${problem}. ` +
        'Fix CAREPATH_PAYLOAD_KEYS or CAREPATH_PAYLOAD_KEYS_FILE and CAREPATH_PAYLOAD_KEY_CURRENT (see README, "Payload encryption keys").',
    );
  }
}

/** Parses `keyId:base64key` entries separated by commas or new lines; blank lines and `#` comments are skipped. */
export function parseKeyEntries(text: string): Map<string, Buffer> {
  const keys = new Map<string, Buffer>();
  const entries = text
    .split(/[,\n]/)
    .map((entry) => entry.trim())
    .filter((entry) => entry !== '' && !entry.startsWith('#'));
  for (const entry of entries) {
    const separator = entry.indexOf(':');
    const keyId = separator < 0 ? entry : entry.slice(0, separator);
    if (separator < 0 || !keyIdPattern.test(keyId))
      throw new PayloadKeyError(
        `an entry does not read keyId:base64key with a key id of letters, digits, '.', '_' or '-'`,
      );
    const encoded = entry.slice(separator + 1);
    const key = Buffer.from(encoded, 'base64');
    if (key.length !== keyBytes || key.toString('base64') !== encoded)
      throw new PayloadKeyError(
        `key ${keyId} is not ${keyBytes} bytes in base64 (make one with: openssl rand -base64 32)`,
      );
    if (keys.has(keyId)) throw new PayloadKeyError(`key id ${keyId} is listed twice`);
    keys.set(keyId, key);
  }
  if (keys.size === 0) throw new PayloadKeyError('no key is listed');
  return keys;
}

/** A ring of the given keys; the current key may be omitted only when there is exactly one. */
export function keyRing(keys: Map<string, Buffer>, currentKeyId: string | undefined): KeyRing {
  const current = currentKeyId ?? (keys.size === 1 ? [...keys.keys()][0] : undefined);
  if (current === undefined)
    throw new PayloadKeyError(
      `${keys.size} keys are listed but CAREPATH_PAYLOAD_KEY_CURRENT does not say which one encrypts`,
    );
  if (!keys.has(current))
    throw new PayloadKeyError(`the current key ${current} is not among the listed keys`);
  return { currentKeyId: current, keys };
}

/** Local mode's key, made once in the git-ignored data dir and reused after. */
function localKeysFile(dataDir: string): string {
  const file = join(dataDir, 'payload-keys');
  if (existsSync(file)) return file;
  mkdirSync(dataDir, { recursive: true });
  try {
    writeFileSync(
      file,
      `# carepath local payload keys (keyId:base64key); never use outside local mode\nlocal-1:${randomBytes(keyBytes).toString('base64')}\n`,
      { mode: 0o600, flag: 'wx' },
    );
  } catch (error) {
    // Another process (the API beside the worker) made it first: theirs is the key.
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
  return file;
}

/** The configured key ring: from the environment, from the keys file, or (local mode) the data dir's key. */
export function loadKeyRing(config: CarepathConfig): KeyRing {
  const { entries, file, currentKeyId } = config.payloadKeys;
  if (entries !== undefined) return keyRing(parseKeyEntries(entries), currentKeyId);
  const keysFile = file ?? (config.mode === 'local' ? localKeysFile(config.dataDir) : undefined);
  if (keysFile === undefined)
    throw new PayloadKeyError('none is configured, and outside local mode no key is made up');
  let text: string;
  try {
    text = readFileSync(keysFile, 'utf8');
  } catch (error) {
    throw new PayloadKeyError(
      `the keys file ${keysFile} cannot be read (${(error as NodeJS.ErrnoException).code ?? String(error)})`,
    );
  }
  return keyRing(parseKeyEntries(text), currentKeyId);
}
