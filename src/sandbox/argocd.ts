import { spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { chmod, mkdir, readFile, readdir, readlink, rm, symlink, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import bcrypt from 'bcryptjs';
import { parse, stringify } from 'yaml';
import type { SandboxConfig } from './config.js';
import type { SandboxLayout } from './layout.js';
import { waitUntil } from './probe.js';

/** The namespace Argo CD's objects live in; the Argo CD parts' kubeconfig context points at it. */
export const argoCdNamespace = 'argocd';
export const argoCdAdmin = 'admin';
/** The field manager of everything the sandbox applies. */
const fieldManager = 'baton-sandbox';

/** The Argo CD release .tools/bin/argocd was built from, and the manifests of that same release. */
export interface ArgoCdRelease {
  version: string;
  manifestsDir: string;
}

/** The version scripts/build-tools.sh recorded in .tools/bin/.argocd.pin ("v3.6.1 <go.sum hash>"), else the one it pins. */
async function pinnedVersion(config: SandboxConfig): Promise<string> {
  const pin = (await readFile(join(config.toolsBin, '.argocd.pin'), 'utf8').catch(() => '')).trim().split(/\s+/)[0];
  if (pin) return pin;
  const script = await readFile(join(config.repoRoot, 'scripts/build-tools.sh'), 'utf8').catch(() => '');
  const version = /^ARGOCD_VERSION=(\S+)/m.exec(script)?.[1];
  if (!version) throw new Error(`${config.toolsBin}/.argocd.pin is missing: run bash scripts/build-tools.sh argocd`);
  return version;
}

function goModuleCache(env: NodeJS.ProcessEnv): string {
  if (env.GOMODCACHE) return env.GOMODCACHE;
  const gopath = env.GOPATH?.split(':')[0];
  return join(gopath || join(homedir(), 'go'), 'pkg/mod');
}

/**
 * The pinned release's manifests: ARGOCD_MANIFESTS_DIR, or the Go module cache's copy of exactly the
 * version .tools/bin/argocd was built from (building it downloaded the module).
 */
export async function argoCdRelease(config: SandboxConfig, env: NodeJS.ProcessEnv = process.env): Promise<ArgoCdRelease> {
  const version = await pinnedVersion(config);
  const major = /^v(\d+)\./.exec(version)?.[1];
  if (!major) throw new Error(`Argo CD version ${version} (from ${config.toolsBin}/.argocd.pin) is not vMAJOR.MINOR.PATCH`);
  const manifestsDir =
    env.ARGOCD_MANIFESTS_DIR || join(goModuleCache(env), 'github.com/argoproj/argo-cd', `v${major}@${version}`, 'manifests');
  if (!existsSync(join(manifestsDir, 'crds'))) {
    throw new Error(
      `Argo CD ${version}'s manifests are not at ${manifestsDir} (no crds folder): ` +
        'run `bash scripts/build-tools.sh argocd` (it downloads the module), or set ARGOCD_MANIFESTS_DIR',
    );
  }
  return { version, manifestsDir };
}

/** The Argo CD parts' kubeconfig: the administrator's, with `argocd` as the context namespace. */
async function writeArgoCdKubeconfig(layout: SandboxLayout): Promise<void> {
  const kubeconfig = parse(await readFile(layout.kubeconfig, 'utf8')) as { contexts: { context: Record<string, string> }[] };
  for (const { context } of kubeconfig.contexts) context.namespace = argoCdNamespace;
  await writeFile(layout.argocdKubeconfig, stringify(kubeconfig), { mode: 0o600 });
}

interface PasswordHash {
  /** sha256 of the password the hash was made from: a replaced password file gets a new hash. */
  passwordSha256: string;
  bcrypt: string;
  mtime: string;
}

/** Argo CD's own cost (Go's bcrypt.DefaultCost). Hashed in process: the password never reaches a command line. */
const bcryptCost = 10;

/** The admin password: generated on the first up (0600 file), reused later, with its bcrypt hash. */
async function ensureAdminPassword(layout: SandboxLayout): Promise<PasswordHash> {
  let password = (await readFile(layout.argocdPasswordFile, 'utf8').catch(() => '')).trim();
  if (!password) {
    password = randomBytes(18).toString('base64url');
    await writeFile(layout.argocdPasswordFile, `${password}\n`, { mode: 0o600 });
  }
  const passwordSha256 = createHash('sha256').update(password).digest('hex');
  const saved = await readFile(layout.argocdPasswordHashFile, 'utf8')
    .then((text) => JSON.parse(text) as PasswordHash)
    .catch(() => undefined);
  if (saved?.passwordSha256 === passwordSha256) return saved;
  const hash: PasswordHash = {
    passwordSha256,
    bcrypt: await bcrypt.hash(password, bcryptCost),
    mtime: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
  };
  await writeFile(layout.argocdPasswordHashFile, `${JSON.stringify(hash, null, 2)}\n`, { mode: 0o600 });
  return hash;
}

/**
 * Argo CD has no health check for Application objects unless argocd-cm restores it (app of apps).
 * Bootstrap's argocd_config role sets the same text, so the two field managers agree.
 */
export const documentedApplicationHealth = `hs = {}
hs.status = "Progressing"
hs.message = ""
if obj.status ~= nil then
  if obj.status.health ~= nil then
    hs.status = obj.status.health.status
    if obj.status.health.message ~= nil then
      hs.message = obj.status.health.message
    end
  end
end
return hs
`;

/**
 * How long the repo-server keeps a branch's resolved revision (ARGOCD_RECONCILIATION_TIMEOUT): a new commit is
 * seen this late. The controller's resync period is the sandbox configuration's appResyncSeconds.
 */
export const reconciliationSeconds = 10;

function labelled(name: string): { name: string; namespace: string; labels: Record<string, string> } {
  return { name, namespace: argoCdNamespace, labels: { 'app.kubernetes.io/name': name, 'app.kubernetes.io/part-of': argoCdNamespace } };
}

function configObjects(admin: PasswordHash, appResyncSeconds: number): object[] {
  return [
    {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: labelled('argocd-cm'),
      data: {
        'admin.enabled': 'true',
        'timeout.reconciliation': `${appResyncSeconds}s`,
        'timeout.reconciliation.jitter': '0s',
        'resource.customizations.health.argoproj.io_Application': documentedApplicationHealth,
      },
    },
    { apiVersion: 'v1', kind: 'ConfigMap', metadata: labelled('argocd-rbac-cm'), data: { 'policy.default': '' } },
    {
      // What the parts' command lines in src/sandbox/parts say (out of cluster nothing reads this into their environment).
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: labelled('argocd-cmd-params-cm'),
      data: {
        'server.insecure': 'true',
        'reposerver.disable.tls': 'true',
        'server.repo.server.plaintext': 'true',
        'controller.repo.server.plaintext': 'true',
      },
    },
    adminSecret(admin),
  ];
}

/** The admin fields of argocd-secret; argocd-server adds server.secretkey itself. */
function adminSecret(admin: PasswordHash): object {
  const base64 = (text: string) => Buffer.from(text).toString('base64');
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    type: 'Opaque',
    metadata: labelled('argocd-secret'),
    data: { 'admin.password': base64(admin.bcrypt), 'admin.passwordMtime': base64(admin.mtime) },
  };
}

/** A kubectl command with the sandbox's kubectl and admin kubeconfig; `input` is its standard input. */
function kubectl(config: SandboxConfig, layout: SandboxLayout, args: string[], input?: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(join(config.toolsBin, 'kubectl'), ['--kubeconfig', layout.kubeconfig, ...args], {
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) =>
      code === 0
        ? resolve(stdout)
        : reject(new Error(`kubectl ${args.slice(0, 2).join(' ')} failed (exit ${code}): ${stderr.trim().slice(0, 1000)}`)),
    );
    child.stdin.end(input ?? '');
  });
}

/** Server-side apply of these objects, as the sandbox's field manager. */
export async function applyObjects(config: SandboxConfig, layout: SandboxLayout, objects: object[]): Promise<void> {
  const documents = objects.map((object) => stringify(object).trim()).join('\n---\n');
  await kubectl(config, layout, ['apply', '--server-side', `--field-manager=${fieldManager}`, '--force-conflicts', '-f', '-'], documents);
}

/** The helper scripts Argo CD's image puts on PATH; the repo-server runs git-verify-wrapper.sh on every manifest generation. */
const helperScripts = ['git-verify-wrapper.sh', 'gpg-wrapper.sh', 'git-ask-pass.sh'];
/** The programs of .tools/bin that Argo CD's image has on PATH too: the repo-server renders with them, the server reports their versions. */
export const argoCdTools = ['helm', 'kustomize'];

/** Where the Argo CD parts find the release's helper scripts, helm and kustomize (prepended to their PATH). */
export function argoCdScriptsDir(layout: SandboxLayout): string {
  return join(layout.argocdDir, 'bin');
}

/**
 * The folders the Argo CD parts use (TLS, SSH, GnuPG, static assets, temporary checkouts), the
 * helper scripts copied from the pinned release's hack/ folder, and links to .tools/bin's helm and
 * kustomize (only those: the rest of .tools/bin stays off Argo CD's PATH). Made before any Argo CD part
 * starts: the repo-server would otherwise create its temporary folder's parents write-only.
 */
export async function prepareArgoCdFolders(config: SandboxConfig, layout: SandboxLayout, release: ArgoCdRelease): Promise<void> {
  await mkdir(layout.argocdDir, { recursive: true, mode: 0o700 });
  await chmod(layout.argocdDir, 0o700);
  for (const dir of ['tls', 'ssh', 'gpg/keys', 'gpg/source', 'static', 'tmp', 'bin']) {
    await mkdir(join(layout.argocdDir, dir), { recursive: true, mode: 0o700 });
  }
  const hack = join(release.manifestsDir, '../hack');
  for (const script of helperScripts) {
    const target = join(argoCdScriptsDir(layout), script);
    await writeFile(target, await readFile(join(hack, script)), { mode: 0o755 });
    await chmod(target, 0o755);
  }
  for (const tool of argoCdTools) {
    const link = join(argoCdScriptsDir(layout), tool);
    const target = join(config.toolsBin, tool);
    // Replaced only when wrong: a running repo-server looks it up on every render.
    if ((await readlink(link).catch(() => undefined)) === target) continue;
    await rm(link, { force: true });
    await symlink(target, link);
  }
}

/** What the Argo CD processes need on disk in every mode: their folders, kubeconfig and the admin password (with its hash). */
export async function prepareArgoCdFiles(config: SandboxConfig, layout: SandboxLayout, release: ArgoCdRelease): Promise<PasswordHash> {
  await prepareArgoCdFolders(config, layout, release);
  await writeArgoCdKubeconfig(layout);
  return ensureAdminPassword(layout);
}

/**
 * Bootstrap mode: a fresh install's argocd-secret has no admin password, so argocd-server would make a
 * random one. The sandbox sets the one in its password file first, as an operator would, so bootstrap
 * can log in with that file. A password already set (rotation changed it) is left alone. Says whether it set one.
 */
export async function setFreshInstallAdminPassword(config: SandboxConfig, layout: SandboxLayout): Promise<boolean> {
  const current = await kubectl(config, layout, [
    'get',
    'secret',
    'argocd-secret',
    '-n',
    argoCdNamespace,
    '-o',
    'jsonpath={.data.admin\\.password}',
  ]);
  if (current.trim()) return false;
  const admin = await ensureAdminPassword(layout);
  await kubectl(
    config,
    layout,
    ['apply', '--server-side', `--field-manager=${fieldManager}`, '--force-conflicts', '-f', '-'],
    stringify(adminSecret(admin)),
  );
  return true;
}

/** The release's CRD files (manifests/crds, without its kustomization.yaml). */
async function crdDocuments(release: ArgoCdRelease): Promise<string[]> {
  const dir = join(release.manifestsDir, 'crds');
  const files = (await readdir(dir)).filter((name) => name.endsWith('.yaml') && name !== 'kustomization.yaml').sort();
  return Promise.all(files.map((name) => readFile(join(dir, name), 'utf8')));
}

/**
 * Idempotently puts into the cluster what Argo CD needs besides its processes: the namespace, the
 * pinned release's CRDs and its config objects (argocd-cm, argocd-rbac-cm, argocd-cmd-params-cm, the
 * admin fields of argocd-secret). Not install.yaml's Deployments: the real processes run outside.
 * Says whether the CRDs had to be created (first up, or after a bootstrap teardown removed them).
 */
export async function installArgoCd(
  config: SandboxConfig,
  layout: SandboxLayout,
  release: ArgoCdRelease,
): Promise<{ crdsCreated: boolean }> {
  const admin = await prepareArgoCdFiles(config, layout, release);
  const crdsExisted =
    (await kubectl(config, layout, ['get', 'crd', 'applications.argoproj.io', '--ignore-not-found', '-o', 'name'])).trim() !== '';
  const namespace = { apiVersion: 'v1', kind: 'Namespace', metadata: { name: argoCdNamespace } };
  const documents = [
    stringify(namespace),
    ...(await crdDocuments(release)),
    ...configObjects(admin, config.appResyncSeconds).map((object) => stringify(object)),
  ];
  await kubectl(
    config,
    layout,
    ['apply', '--server-side', `--field-manager=${fieldManager}`, '--force-conflicts', '-f', '-'],
    documents.map((text) => text.trim()).join('\n---\n'),
  );
  // A CRD that has just been created has no conditions yet, and kubectl wait rejects that at once.
  const crds = ['applications.argoproj.io', 'appprojects.argoproj.io', 'applicationsets.argoproj.io'];
  await waitUntil(
    'Argo CD CRDs Established',
    async () => {
      const established = await kubectl(config, layout, [
        'get',
        'crd',
        ...crds,
        '-o',
        'jsonpath={range .items[*]}{.status.conditions[?(@.type=="Established")].status}{" "}{end}',
      ]);
      if (
        established
          .trim()
          .split(/\s+/)
          .filter((status) => status === 'True').length !== crds.length
      )
        throw new Error(`Established: ${established.trim()}`);
    },
    config.readyTimeoutMs,
  );
  // argocd-server creates the default AppProject only when it starts; a bootstrap teardown deletes it with the CRDs.
  const defaultProject = {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'AppProject',
    metadata: { name: 'default', namespace: argoCdNamespace },
    spec: { sourceRepos: ['*'], destinations: [{ namespace: '*', server: '*' }], clusterResourceWhitelist: [{ group: '*', kind: '*' }] },
  };
  await applyObjects(config, layout, [defaultProject]);
  return { crdsCreated: !crdsExisted };
}

/** Where and how people reach the sandbox's Argo CD. */
export function argoCdUrl(config: SandboxConfig): string {
  return `http://${config.host}:${config.ports.argocdServer}`;
}
