import { Connection } from '@temporalio/client';
import { loadClientConnectConfig } from '@temporalio/envconfig';
import { NativeConnection } from '@temporalio/worker';

/**
 * Connection settings from Temporal's environment configuration (TEMPORAL_ADDRESS,
 * TEMPORAL_NAMESPACE, TEMPORAL_API_KEY, TEMPORAL_TLS_*, TEMPORAL_PROFILE and the config
 * file), so one worker runs against the sandbox, a Temporal cluster or Temporal Cloud.
 */
export function connectSettings(): {
  connectionOptions: ReturnType<typeof loadClientConnectConfig>['connectionOptions'];
  namespace: string;
} {
  const { connectionOptions, namespace } = loadClientConnectConfig();
  return { connectionOptions, namespace: namespace ?? 'default' };
}

export async function connectWorker(): Promise<{ connection: NativeConnection; namespace: string }> {
  const { connectionOptions, namespace } = connectSettings();
  return { connection: await NativeConnection.connect(connectionOptions), namespace };
}

export async function connectClient(): Promise<{ connection: Connection; namespace: string }> {
  const { connectionOptions, namespace } = connectSettings();
  return { connection: await Connection.connect(connectionOptions), namespace };
}
