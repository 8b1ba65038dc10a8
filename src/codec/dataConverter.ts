import { extname, join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { DataConverter } from '@temporalio/common';
import { EncryptionCodec } from './encryptionCodec.js';
import { configuredCodecKeys, type LoadedCodecKeys } from './keys.js';

const here = fileURLToPath(import.meta.url);

/** The failure converter module, compiled (dist/codec/failureConverter.cjs) or the source the sources run. */
export const failureConverterPath = join(dirname(here), `failureConverter.${extname(here) === '.js' ? 'cjs' : 'cts'}`);

/** Payloads encrypted with these keys, failure messages with them. */
export function encryptingDataConverter(keys: LoadedCodecKeys): DataConverter {
  return { payloadCodecs: [new EncryptionCodec(keys)], failureConverterPath };
}

/**
 * The data converter of every worker, client and replay Baton makes: encrypting when keys are configured
 * (BATON_CODEC_KEYS_FILE or BATON_CODEC_KEYS), else undefined, the SDK's default (plain JSON).
 */
export function configuredDataConverter(env: NodeJS.ProcessEnv = process.env): DataConverter | undefined {
  const keys = configuredCodecKeys(env);
  return keys ? encryptingDataConverter(keys) : undefined;
}
