import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { METADATA_ENCODING_KEY, type Payload, type PayloadCodec } from '@temporalio/common';
import proto from '@temporalio/proto';
import type { LoadedCodecKeys } from './keys.js';

const { Payload: PayloadMessage } = proto.temporal.api.common.v1;

/** The metadata of an encrypted payload, as in the encryption sample of temporalio/samples-typescript. */
export const encryptedEncoding = 'binary/encrypted';
export const keyIdMetadataKey = 'encryption-key-id';

const cipher = 'aes-256-gcm';
const ivBytes = 12;
const tagBytes = 16;
const text = new TextEncoder();
const fromText = new TextDecoder();

/**
 * Encrypts each whole payload (metadata and data) with AES-256-GCM under the current key, and names the key in
 * the metadata, so any key the list still holds decrypts it. Data is the IV, the ciphertext, then the tag.
 */
export class EncryptionCodec implements PayloadCodec {
  constructor(private readonly keys: LoadedCodecKeys) {}

  async encode(payloads: Payload[]): Promise<Payload[]> {
    const key = this.keys.keys[this.keys.current]!;
    return payloads.map((payload) => {
      const iv = randomBytes(ivBytes);
      const encrypting = createCipheriv(cipher, key, iv);
      const body = Buffer.concat([encrypting.update(PayloadMessage.encode(payload).finish()), encrypting.final()]);
      return {
        metadata: { [METADATA_ENCODING_KEY]: text.encode(encryptedEncoding), [keyIdMetadataKey]: text.encode(this.keys.current) },
        data: Buffer.concat([iv, body, encrypting.getAuthTag()]),
      };
    });
  }

  async decode(payloads: Payload[]): Promise<Payload[]> {
    return payloads.map((payload) => {
      const encoding = payload.metadata?.[METADATA_ENCODING_KEY];
      if (!encoding || fromText.decode(encoding) !== encryptedEncoding) return payload;
      const idBytes = payload.metadata?.[keyIdMetadataKey];
      if (!idBytes) throw new Error(`an encrypted payload has no ${keyIdMetadataKey} in its metadata: it was not written by this codec`);
      const keyId = fromText.decode(idBytes);
      const key = this.keys.keys[keyId];
      if (!key)
        throw new Error(
          `a payload is encrypted with key ${keyId}, which ${this.keys.source} does not hold (it holds ${Object.keys(this.keys.keys).join(', ')}): ` +
            'add that key back to decode it',
        );
      const data = Buffer.from(payload.data ?? []);
      if (data.length < ivBytes + tagBytes)
        throw new Error(`a payload encrypted with key ${keyId} is ${data.length} bytes, too short to hold one`);
      const decrypting = createDecipheriv(cipher, key, data.subarray(0, ivBytes));
      decrypting.setAuthTag(data.subarray(data.length - tagBytes));
      let plain: Buffer;
      try {
        plain = Buffer.concat([decrypting.update(data.subarray(ivBytes, data.length - tagBytes)), decrypting.final()]);
      } catch {
        throw new Error(
          `a payload encrypted with key ${keyId} does not decrypt with the key ${this.keys.source} holds under that id: ` +
            'the key was changed, or the payload altered',
        );
      }
      return PayloadMessage.decode(plain);
    });
  }
}
