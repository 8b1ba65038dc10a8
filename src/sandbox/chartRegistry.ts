import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { parse } from 'yaml';
import { applyObjects, argoCdNamespace } from './argocd.js';
import type { SandboxConfig } from './config.js';
import { sandboxLayout, type SandboxLayout } from './layout.js';
import { recordedConfig } from './record.js';

const run = promisify(execFile);

/** The repository path charts are pushed under; with the registry's address it is a stack source's repoURL. */
const chartsPath = 'charts';

/** A Helm chart in the sandbox's registry, as a stack's source names it. */
export interface ChartReference {
  repoURL: string;
  chart: string;
  targetRevision: string;
  digest: string | null;
}

/** The repoURL of the sandbox's chart registry as Argo CD's OCI Helm sources write it: host:port/path, no scheme. */
export function chartRepositoryUrl(config: SandboxConfig): string {
  return `${config.host}:${config.ports.registry}/${chartsPath}`;
}

/**
 * The repository Secret through which Argo CD reaches the registry: an OCI Helm repository over plain HTTP
 * (insecureOCIForceHttp; `insecure` would mean skipping TLS checks, and cannot be combined with it).
 */
function chartRepositorySecret(config: SandboxConfig): object {
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    type: 'Opaque',
    metadata: {
      name: 'sandbox-chart-registry',
      namespace: argoCdNamespace,
      labels: { 'argocd.argoproj.io/secret-type': 'repository', 'app.kubernetes.io/part-of': argoCdNamespace },
    },
    stringData: {
      type: 'helm',
      name: 'sandbox-chart-registry',
      url: chartRepositoryUrl(config),
      enableOCI: 'true',
      insecureOCIForceHttp: 'true',
    },
  };
}

/**
 * Puts the registry's repository Secret into the argocd namespace. The sandbox writes it, not bootstrap:
 * the registry is a part of the sandbox, as its address is, and a platform's playbook knows nothing of it.
 * Preinstalled: with Argo CD's configuration; bootstrap mode: when the supervisor finds bootstrap's
 * install, before it starts Argo CD (teardown deletes the namespace, and the Secret with it).
 */
export async function registerChartRepository(config: SandboxConfig, layout: SandboxLayout): Promise<void> {
  await applyObjects(config, layout, [chartRepositorySecret(config)]);
}

/** helm with its cache, configuration and data in the state folder (never the user's). */
async function helm(config: SandboxConfig, layout: SandboxLayout, args: string[]): Promise<string> {
  const home = layout.helmHome;
  await mkdir(home, { recursive: true, mode: 0o700 });
  const env = {
    ...process.env,
    HELM_CACHE_HOME: join(home, 'cache'),
    HELM_CONFIG_HOME: join(home, 'config'),
    HELM_DATA_HOME: join(home, 'data'),
  };
  try {
    const { stdout, stderr } = await run(join(config.toolsBin, 'helm'), args, { env, timeout: 120_000 });
    return `${stdout}${stderr}`;
  } catch (err) {
    const { code, stderr, message } = err as NodeJS.ErrnoException & { stderr?: string };
    if (code === 'ENOENT')
      throw new Error(`${config.toolsBin}/helm is missing: build it with \`bash scripts/build-tools.sh helm\``, { cause: err });
    throw new Error(`helm ${args[0]} failed: ${stderr?.trim() || message}`, { cause: err });
  }
}

/** The name and version a chart folder's Chart.yaml declares; says what is wrong with a folder that is no chart. */
async function chartIdentity(dir: string): Promise<{ name: string; version: string }> {
  const file = join(dir, 'Chart.yaml');
  const text = await readFile(file, 'utf8').catch(() => {
    throw new Error(`${file} does not exist: name a Helm chart's folder`);
  });
  const chart = parse(text) as { name?: unknown; version?: unknown } | null;
  if (typeof chart?.name !== 'string' || typeof chart.version !== 'string') throw new Error(`${file} needs a name and a version (strings)`);
  return { name: chart.name, version: chart.version };
}

/** `baton sandbox push-chart DIR`: packages the chart folder with helm and pushes it to the registry of the sandbox as it was brought up. */
export async function pushChart(baseConfig: SandboxConfig, chartDir: string): Promise<ChartReference> {
  const layout = sandboxLayout(baseConfig);
  const config = await recordedConfig(baseConfig, layout);
  const dir = resolve(chartDir);
  const { name, version } = await chartIdentity(dir);
  const packages = await mkdtemp(join(layout.stateDir, 'chart-'));
  try {
    await helm(config, layout, ['package', dir, '--destination', packages]);
    const pushed = await helm(config, layout, [
      'push',
      join(packages, `${name}-${version}.tgz`),
      `oci://${chartRepositoryUrl(config)}`,
      '--plain-http',
    ]);
    return {
      repoURL: chartRepositoryUrl(config),
      chart: name,
      targetRevision: version,
      digest: /Digest: (sha256:[0-9a-f]+)/.exec(pushed)?.[1] ?? null,
    };
  } finally {
    await rm(packages, { recursive: true, force: true });
  }
}
