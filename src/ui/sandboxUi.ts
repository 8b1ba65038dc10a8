import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { SandboxConfig } from '../sandbox/config.js';
import { sandboxLayout } from '../sandbox/layout.js';
import { waitUntil } from '../sandbox/probe.js';
import { isRunning, logFilePath, readPidRecord, startProcess } from '../sandbox/processes.js';

/** The UI's pid record and log sit next to the sandbox parts' (`baton sandbox logs ui`). */
export const sandboxUiName = 'ui';

/** Next to the Temporal UI's port, so a sandbox with shifted ports shifts its web view too. */
export function sandboxUiPort(config: SandboxConfig): number {
  return config.ports.temporalUi + 237;
}

/**
 * A `baton ui` process for the sandbox, detached like the worker so it outlives `baton up`; its token stays in
 * the sandbox's state folder (0600) for the next start. Resolves with the link that opens it.
 */
export async function ensureSandboxUi(config: SandboxConfig, say: (line: string) => void): Promise<string> {
  const layout = sandboxLayout(config);
  const tokenFile = join(config.stateDir, 'ui-token');
  if (!existsSync(tokenFile)) await writeFile(tokenFile, `${randomBytes(24).toString('base64url')}\n`, { mode: 0o600 });
  const token = (await readFile(tokenFile, 'utf8')).trim();
  const url = `http://127.0.0.1:${sandboxUiPort(config)}`;
  const existing = await readPidRecord(layout, sandboxUiName);
  if (!existing || !isRunning(existing)) {
    await startProcess(
      layout,
      sandboxUiName,
      process.execPath,
      [join(config.repoRoot, 'bin/baton.js'), 'ui', '--port', String(sandboxUiPort(config)), '--token-file', tokenFile],
      { ...process.env, BATON_SANDBOX_DIR: config.stateDir },
    );
    await waitUntil('the web view', async () => (await fetch(`${url}/assets/page.js`)).status, config.readyTimeoutMs);
  }
  say(`web view at ${url}; log ${logFilePath(layout, sandboxUiName)}`);
  return `${url}/?token=${token}`;
}
