import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { stringify } from 'yaml';
import type { SandboxLayout } from './layout.js';
import type { SandboxIdentity, SandboxTokens } from './pki.js';

/** A kubeconfig with the CA embedded, so the file works from anywhere it is copied to. */
function kubeconfigText(server: string, caPem: string, user: string, token: string): string {
  return stringify({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name: 'baton-sandbox', cluster: { server, 'certificate-authority-data': Buffer.from(caPem).toString('base64') } }],
    users: [{ name: user, user: { token } }],
    contexts: [{ name: 'baton-sandbox', context: { cluster: 'baton-sandbox', user } }],
    'current-context': 'baton-sandbox',
  });
}

/** Where a part's own kubeconfig lives; the admin's is layout.kubeconfig. */
export function kubeconfigPath(layout: SandboxLayout, identity: SandboxIdentity): string {
  return identity === 'admin' ? layout.kubeconfig : join(layout.kubeconfigsDir, `${identity}.kubeconfig`);
}

/** Writes one kubeconfig per identity (rewritten each up: the port may have changed). */
export async function writeKubeconfigs(layout: SandboxLayout, server: string, tokens: SandboxTokens): Promise<void> {
  const caPem = await readFile(layout.caCert, 'utf8');
  await mkdir(layout.kubeconfigsDir, { recursive: true, mode: 0o700 });
  for (const [identity, token] of Object.entries(tokens) as [SandboxIdentity, string][]) {
    await writeFile(kubeconfigPath(layout, identity), kubeconfigText(server, caPem, identity, token), { mode: 0o600 });
  }
}
