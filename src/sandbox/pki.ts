import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { SandboxLayout } from './layout.js';

const run = promisify(execFile);

/** The identities that reach the API server with a bearer token from --token-auth-file. */
export type SandboxIdentity = 'admin' | 'kube-controller-manager' | 'kube-scheduler' | 'kwok';

/** user name and groups of each identity; RBAC's bootstrap roles already bind the two system users. */
const identities: Record<SandboxIdentity, { user: string; groups: string[] }> = {
  admin: { user: 'baton-admin', groups: ['system:masters'] },
  'kube-controller-manager': { user: 'system:kube-controller-manager', groups: [] },
  'kube-scheduler': { user: 'system:kube-scheduler', groups: [] },
  kwok: { user: 'kwok', groups: ['system:masters'] },
};

export type SandboxTokens = Record<SandboxIdentity, string>;

/** Names the API server's certificate must carry: loopback for us, the in-cluster names for pods. */
const servingNames = [
  'IP:127.0.0.1',
  'DNS:localhost',
  'IP:10.0.0.1',
  'DNS:kubernetes',
  'DNS:kubernetes.default',
  'DNS:kubernetes.default.svc',
  'DNS:kubernetes.default.svc.cluster.local',
];

async function openssl(args: string[]): Promise<void> {
  try {
    await run('openssl', args, { timeout: 30_000 });
  } catch (err) {
    const { code, stderr } = err as NodeJS.ErrnoException & { stderr?: string };
    if (code === 'ENOENT') throw new Error('openssl is missing: install it (Debian: apt-get install openssl)', { cause: err });
    throw new Error(`openssl ${args[0]} failed: ${stderr?.trim() ?? String(err)}`, { cause: err });
  }
}

const ecKey = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];

/** A CA, a serving certificate for every loopback endpoint it signs, and the service-account signing key. */
async function createCertificates(layout: SandboxLayout): Promise<void> {
  await openssl([
    'req',
    '-x509',
    ...ecKey,
    '-keyout',
    layout.caKey,
    '-out',
    layout.caCert,
    '-days',
    '3650',
    '-subj',
    '/CN=baton-sandbox-ca',
  ]);
  const request = join(layout.pkiDir, 'serving.csr');
  await openssl([
    'req',
    '-new',
    ...ecKey,
    '-keyout',
    layout.servingKey,
    '-out',
    request,
    '-subj',
    '/CN=baton-sandbox',
    '-addext',
    `subjectAltName=${servingNames.join(',')}`,
  ]);
  await openssl([
    'x509',
    '-req',
    '-in',
    request,
    '-CA',
    layout.caCert,
    '-CAkey',
    layout.caKey,
    '-CAcreateserial',
    '-days',
    '3650',
    '-copy_extensions',
    'copyall',
    '-out',
    layout.servingCert,
  ]);
  await rm(request);
  await openssl(['genpkey', '-algorithm', 'RSA', '-pkeyopt', 'rsa_keygen_bits:2048', '-out', layout.serviceAccountKey]);
  await openssl(['pkey', '-in', layout.serviceAccountKey, '-pubout', '-out', layout.serviceAccountPublicKey]);
}

async function createTokens(layout: SandboxLayout): Promise<void> {
  const lines = Object.entries(identities).map(([, { user, groups }]) => {
    const token = randomBytes(24).toString('hex');
    return `${token},${user},${user}${groups.length ? `,"${groups.join(',')}"` : ''}`;
  });
  await writeFile(layout.tokensFile, `${lines.join('\n')}\n`, { mode: 0o600 });
}

async function readTokens(layout: SandboxLayout): Promise<SandboxTokens> {
  const byUser = new Map(
    (await readFile(layout.tokensFile, 'utf8'))
      .split('\n')
      .filter(Boolean)
      .map((line) => {
        const [token = '', user = ''] = line.split(',');
        return [user, token] as const;
      }),
  );
  const tokens = {} as SandboxTokens;
  for (const [identity, { user }] of Object.entries(identities) as [SandboxIdentity, { user: string }][]) {
    const token = byUser.get(user);
    if (!token) throw new Error(`${layout.tokensFile} has no token for ${user}: remove ${layout.pkiDir} and run up again`);
    tokens[identity] = token;
  }
  return tokens;
}

/** Creates what is missing (kept across up/down, so kubeconfigs stay valid) and returns the tokens. */
export async function ensurePki(layout: SandboxLayout): Promise<SandboxTokens> {
  await mkdir(layout.pkiDir, { recursive: true, mode: 0o700 });
  if (
    ![layout.caCert, layout.caKey, layout.servingCert, layout.servingKey, layout.serviceAccountKey, layout.serviceAccountPublicKey].every(
      existsSync,
    )
  ) {
    await createCertificates(layout);
  }
  if (!existsSync(layout.tokensFile)) await createTokens(layout);
  return readTokens(layout);
}
