import type { DataConverter } from '@temporalio/common';
import { EncryptionCodec } from './encryption-codec';
import type { KeyRing } from './key-ring';

/**
 * The one data converter of every carepath Temporal client and worker: default JSON conversion,
 * then encryption. Workflow bundles need nothing, as codecs run outside the workflow sandbox.
 */
export function carepathDataConverter(ring: KeyRing): DataConverter {
  return { payloadCodecs: [new EncryptionCodec(ring)] };
}
