import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { defaultCodecPort } from '../../codec/endpoint.js';
import { CliError } from '../errors.js';

interface CodecServerCommandOptions {
  port: string;
  uiOrigin?: string;
  tokenFile?: string;
  namespace?: string;
}

/** The variable that may hold the bearer token instead of --token-file. */
const tokenVariable = 'BATON_CODEC_TOKEN';

async function tokenFrom(file: string | undefined): Promise<string> {
  const token = file ? (await readFile(file, 'utf8')).split('\n')[0]!.trim() : process.env[tokenVariable];
  if (!token) throw new CliError(`baton codec-server needs a bearer token: --token-file FILE or ${tokenVariable}`, 2);
  return token;
}

/** codec-server: decodes and encodes payloads for the Temporal UI with the configured keys, until Ctrl-C. */
export function registerCodecServerCommand(program: Command): void {
  program
    .command('codec-server')
    .description(
      "serve POST /decode and /encode for the Temporal UI's codec endpoint, with the keys of BATON_CODEC_KEYS_FILE or BATON_CODEC_KEYS",
    )
    .option('--port <port>', 'port to listen on, at 127.0.0.1 (0: any free port)', String(defaultCodecPort))
    .option('--ui-origin <url>', "the Temporal UI's origin, the only one allowed to call (default: the sandbox's UI)")
    .option('--token-file <file>', `the bearer token requests must carry, from the first line of this file (or ${tokenVariable})`)
    .option('--namespace <namespace>', 'the only namespace coded (default: TEMPORAL_NAMESPACE, else default)')
    .addHelpText(
      'after',
      '\nThe sandbox points its Temporal UI here when BATON_CODEC_ENDPOINT is set (e.g. http://127.0.0.1:17236) before `baton sandbox up`.',
    )
    .action(async (options: CodecServerCommandOptions) => {
      const port = Number(options.port);
      if (!Number.isInteger(port) || port < 0 || port > 65535) throw new CliError(`--port ${options.port}: not a port number (0-65535)`, 2);
      const [{ configuredCodecKeys }, { EncryptionCodec }, { codecServer }, { connectSettings }] = await Promise.all([
        import('../../codec/keys.js'),
        import('../../codec/encryptionCodec.js'),
        import('../../codec/server.js'),
        import('../../worker/connection.js'),
      ]);
      const keys = configuredCodecKeys();
      if (!keys)
        throw new CliError('baton codec-server needs keys: set BATON_CODEC_KEYS_FILE (or BATON_CODEC_KEYS), see docs/security.md', 2);
      const uiOrigin = options.uiOrigin ?? (await sandboxUiOrigin());
      const server = codecServer({
        codec: new EncryptionCodec(keys),
        uiOrigin: new URL(uiOrigin).origin,
        token: await tokenFrom(options.tokenFile),
        namespace: options.namespace ?? connectSettings().namespace,
      });
      await new Promise<void>((resolve, reject) => server.once('error', reject).listen(port, '127.0.0.1', resolve));
      const address = server.address();
      process.stdout.write(
        `codec server at http://127.0.0.1:${typeof address === 'object' && address ? address.port : port} for ${new URL(uiOrigin).origin}\n`,
      );
      await new Promise<void>((resolve) => process.once('SIGINT', resolve).once('SIGTERM', resolve));
      await new Promise<void>((resolve) => server.close(() => resolve()));
    });
}

async function sandboxUiOrigin(): Promise<string> {
  const { sandboxConfig } = await import('../../sandbox/config.js');
  const config = sandboxConfig();
  return `http://${config.host}:${config.ports.temporalUi}`;
}
