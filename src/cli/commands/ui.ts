import type { Command } from 'commander';
import { CliError } from '../errors.js';

interface UiCommandOptions {
  port: string;
  host: string;
  tokenFile?: string;
  openViewing: boolean;
}

/** ui: the web view of the platforms on this Temporal server, until Ctrl-C. */
export function registerUiCommand(program: Command): void {
  program
    .command('ui')
    .description('serve the web view: platforms, a live page per environment (DAG, phases, ledger, controls), promotions, run reports')
    .option('--port <port>', 'port to listen on (0: any free port)', '8470')
    .option(
      '--host <address>',
      'address to listen on; anything but 127.0.0.1 exposes the view (and, with the token, the controls) to that network',
      '127.0.0.1',
    )
    .option('--token-file <file>', 'read the controls token from the first line of this file instead of making a new one')
    .option('--open-viewing', 'let anyone who reaches the address view without the token (the controls still need it)', false)
    .action(async (options: UiCommandOptions) => {
      const port = Number(options.port);
      if (!Number.isInteger(port) || port < 0 || port > 65535) throw new CliError(`--port ${options.port}: not a port number (0-65535)`, 2);
      const [{ withClient }, { startUiServer }, { uiToken }] = await Promise.all([
        import('../client.js'),
        import('../../ui/server.js'),
        import('../../ui/token.js'),
      ]);
      const token = await uiToken(options.tokenFile);
      await withClient(async (client, namespace) => {
        const ui = await startUiServer({ client, namespace, host: options.host, port, token, openViewing: options.openViewing });
        process.stdout.write(
          `Baton UI: ${ui.url}/?token=${token}\n${options.openViewing ? `Viewing open to all at ${ui.url}/; the controls need the token.\n` : ''}`,
        );
        await new Promise<void>((resolve) => process.once('SIGINT', resolve).once('SIGTERM', resolve));
        await ui.close();
      });
    });
}
