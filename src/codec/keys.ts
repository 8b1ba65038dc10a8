import { readFileSync } from 'node:fs';
import { z } from 'zod';

/** AES-256 wants 32 bytes; a key is written as their base64. */
const keyBytes = 32;

const base64Key = z
  .string()
  .transform((text) => Buffer.from(text, 'base64'))
  .refine((bytes) => bytes.length === keyBytes, {
    message: `must be ${keyBytes} bytes in base64 (openssl rand -base64 ${keyBytes})`,
  });

/**
 * The codec's keys: `current` encrypts; every key listed decrypts, so a payload encrypted before a rotation
 * still decodes while its key stays in the list.
 */
export const codecKeysSchema = z
  .object({
    current: z.string().min(1).describe('the id of the key new payloads are encrypted with'),
    keys: z.record(z.string().min(1), base64Key).describe('every key id and its key, in base64'),
  })
  .strict()
  .refine((file) => file.current in file.keys, { message: 'names a key that keys does not hold', path: ['current'] });
export type CodecKeys = z.infer<typeof codecKeysSchema>;

/** The variables the keys come from: a file, or the same JSON in the environment itself. */
export const codecKeyVariables = { file: 'BATON_CODEC_KEYS_FILE', inline: 'BATON_CODEC_KEYS' } as const;

/** Where keys were read from, for messages (the file's path, or the variable's name). */
export interface LoadedCodecKeys extends CodecKeys {
  source: string;
}

/** The keys parsed from JSON text, or an error naming the source and each bad field. */
export function parseCodecKeys(text: string, source: string): LoadedCodecKeys {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new Error(`${source}: not JSON (${(err as Error).message}); expected {"current": "ID", "keys": {"ID": "BASE64"}}`, {
      cause: err,
    });
  }
  const parsed = codecKeysSchema.safeParse(json);
  if (!parsed.success)
    throw new Error(
      `${source}:\n${parsed.error.issues.map((issue) => `  ${issue.path.join('.') || '(top)'}: ${issue.message}`).join('\n')}`,
    );
  return { ...parsed.data, source };
}

/** The configured keys, or undefined when neither variable is set (payloads then stay plain JSON). */
export function configuredCodecKeys(env: NodeJS.ProcessEnv = process.env): LoadedCodecKeys | undefined {
  const file = env[codecKeyVariables.file];
  const inline = env[codecKeyVariables.inline];
  if (file && inline) throw new Error(`both ${codecKeyVariables.file} and ${codecKeyVariables.inline} are set: set one`);
  if (inline) return parseCodecKeys(inline, codecKeyVariables.inline);
  if (!file) return undefined;
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new Error(`${codecKeyVariables.file}=${file}: cannot read it (${(err as Error).message})`, { cause: err });
  }
  return parseCodecKeys(text, file);
}
