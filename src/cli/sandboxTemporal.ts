import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { runningTemporal, sandboxConfig } from '../sandbox/index.js';

/** Where Temporal's environment configuration file is read from when TEMPORAL_CONFIG_FILE does not say. */
function temporalConfigFile(env: NodeJS.ProcessEnv): string {
  return env.TEMPORAL_CONFIG_FILE ?? join(env.XDG_CONFIG_HOME ?? join(homedir(), '.config'), 'temporalio/temporal.toml');
}

/**
 * With no Temporal connection configured (no TEMPORAL_ADDRESS, profile or config file), the CLI talks to
 * the running sandbox's Temporal, so `baton status` works right after `baton up`.
 */
export async function defaultToSandboxTemporal(env: NodeJS.ProcessEnv = process.env): Promise<void> {
  if (env.TEMPORAL_ADDRESS || env.TEMPORAL_PROFILE || existsSync(temporalConfigFile(env))) return;
  const temporal = await runningTemporal(sandboxConfig(env)).catch(() => undefined);
  if (!temporal) return;
  env.TEMPORAL_ADDRESS = temporal.address;
  env.BATON_TEMPORAL_UI ??= temporal.ui;
}
