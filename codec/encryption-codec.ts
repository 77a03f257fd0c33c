import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import type { Payload, PayloadCodec } from '@temporalio/common';
import { temporal } from '@temporalio/proto';
import { PayloadKeyError, type KeyRing } from './key-ring';

/** The metadata that marks a payload this codec encrypted, and the key it was encrypted with. */
export const encryptedEncoding = 'binary/encrypted';
export const keyIdMetadata = 'encryption-key-id';

const ivBytes = 12;
const tagBytes = 16;
const utf8 = (value: string) => new TextEncoder().encode(value);
const text = (value: Uint8Array | null | undefined) =>
  value === null || value === undefined ? undefined : new TextDecoder().decode(value);

export class PayloadDecryptionError extends Error {
  override readonly name = 'PayloadDecryptionError';
}

/** True for a payload this codec wrote; anything else (written before encryption existed) passes through. */
export const isEncrypted = (payload: Payload): boolean =>
  text(payload.metadata?.encoding) === encryptedEncoding;

/**
 * AES-256-GCM over the whole serialized payload (its metadata too, which names the value's
 * encoding). The key id travels in plain metadata and is bound to the ciphertext as associated
 * data, so a payload cannot be passed off as encrypted with another key.
 */
export class EncryptionCodec implements PayloadCodec {
  constructor(private readonly ring: KeyRing) {}

  async encode(payloads: Payload[]): Promise<Payload[]> {
    const keyId = this.ring.currentKeyId;
    const key = this.ring.keys.get(keyId);
    if (!key) throw new PayloadKeyError(`the current key ${keyId} is not among the listed keys`);
    return payloads.map((payload) => {
      const iv = randomBytes(ivBytes);
      const cipher = createCipheriv('aes-256-gcm', key, iv);
      cipher.setAAD(utf8(keyId));
      const plain = temporal.api.common.v1.Payload.encode(payload).finish();
      const sealed = Buffer.concat([iv, cipher.update(plain), cipher.final(), cipher.getAuthTag()]);
      return {
        metadata: { encoding: utf8(encryptedEncoding), [keyIdMetadata]: utf8(keyId) },
        data: new Uint8Array(sealed),
      };
    });
  }

  async decode(payloads: Payload[]): Promise<Payload[]> {
    return payloads.map((payload) => (isEncrypted(payload) ? this.decrypt(payload) : payload));
  }

  private decrypt(payload: Payload): Payload {
    const keyId = text(payload.metadata?.[keyIdMetadata]) ?? '(none)';
    const key = this.ring.keys.get(keyId);
    if (!key)
      throw new PayloadDecryptionError(
        `payload encrypted with key ${keyId}, which is not in the key ring: add it back to CAREPATH_PAYLOAD_KEYS (old keys must stay until no history needs them)`,
      );
    const sealed = Buffer.from(payload.data ?? new Uint8Array());
    if (sealed.length < ivBytes + tagBytes)
      throw new PayloadDecryptionError(`payload encrypted with key ${keyId} is truncated`);
    const decipher = createDecipheriv('aes-256-gcm', key, sealed.subarray(0, ivBytes));
    decipher.setAAD(utf8(keyId));
    decipher.setAuthTag(sealed.subarray(sealed.length - tagBytes));
    let plain: Buffer;
    try {
      plain = Buffer.concat([
        decipher.update(sealed.subarray(ivBytes, sealed.length - tagBytes)),
        decipher.final(),
      ]);
    } catch {
      throw new PayloadDecryptionError(
        `payload encrypted with key ${keyId} fails authentication: the key under that id differs from the one that encrypted it, or the payload was altered`,
      );
    }
    const decoded = temporal.api.common.v1.Payload.decode(plain);
    return { metadata: decoded.metadata, data: decoded.data };
  }
}
