/** Where the Temporal UI finds the codec server: set, the sandbox's dev server starts with --ui-codec-endpoint. */
export const codecEndpointVariable = 'BATON_CODEC_ENDPOINT';

/** The codec server's port when none is given: next to the sandbox's Temporal ports (17233-17235). */
export const defaultCodecPort = 17236;

/** The configured codec endpoint, or undefined; only a loopback URL, as everything the sandbox reaches. */
export function configuredCodecEndpoint(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const raw = env[codecEndpointVariable];
  if (!raw) return undefined;
  let url: URL;
  try {
    url = new URL(raw);
  } catch (err) {
    throw new Error(`${codecEndpointVariable}=${raw}: not a URL (e.g. http://127.0.0.1:${defaultCodecPort})`, { cause: err });
  }
  if (url.hostname !== '127.0.0.1') throw new Error(`${codecEndpointVariable}=${raw}: the sandbox reaches 127.0.0.1 only`);
  return raw.replace(/\/$/, '');
}
