import { execFile } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { SandboxConfig } from './config.js';
import type { SandboxLayout } from './layout.js';

const run = promisify(execFile);

/**
 * kwok run on its own (not through kwokctl) has no built-in stages. These are the ones kwokctl
 * installs by default: nodes become Ready and keep a lease, pods become Ready, complete, and go
 * away when deleted (there is no kubelet to finish a deletion).
 */
const stageFiles = [
  'kustomize/stage/node/fast/node-initialize.yaml',
  'kustomize/stage/node/heartbeat-with-lease/node-heartbeat-with-lease.yaml',
  'kustomize/stage/pod/fast/pod-ready.yaml',
  'kustomize/stage/pod/fast/pod-complete.yaml',
  'kustomize/stage/pod/fast/pod-delete.yaml',
];

/** The kwok module that .tools/bin/kwok was built from, as scripts/build-tools.sh recorded it. */
async function kwokModule(config: SandboxConfig): Promise<string> {
  const pin = (await readFile(join(config.toolsBin, '.kwok.pin'), 'utf8').catch(() => '')).trim();
  const version = pin.split('@')[1];
  if (!version) throw new Error(`${config.toolsBin}/.kwok.pin is missing: run bash scripts/build-tools.sh kwok`);
  return `sigs.k8s.io/kwok@${version}`;
}

/** The module's source folder; `go mod download` reuses the module cache the build filled. */
async function moduleDir(module: string, cwd: string): Promise<string> {
  try {
    const { stdout } = await run('go', ['mod', 'download', '-json', module], {
      cwd,
      timeout: 120_000,
      env: { ...process.env, GOTOOLCHAIN: 'local', GOFLAGS: '-mod=mod' },
    });
    const dir = (JSON.parse(stdout) as { Dir?: string }).Dir;
    if (!dir) throw new Error(stdout);
    return dir;
  } catch (err) {
    const { code, stderr, message } = err as NodeJS.ErrnoException & { stderr?: string };
    if (code === 'ENOENT') throw new Error(`go is missing: it is needed to read kwok's stages from ${module}`, { cause: err });
    throw new Error(`go mod download ${module} failed: ${stderr?.trim() || message}`, { cause: err });
  }
}

/** Writes kwok's configuration (its stages, taken from the pinned kwok module's source). */
export async function writeKwokConfig(config: SandboxConfig, layout: SandboxLayout): Promise<void> {
  const module = await kwokModule(config);
  const dir = await moduleDir(module, layout.stateDir);
  const stages = await Promise.all(stageFiles.map((file) => readFile(join(dir, file), 'utf8')));
  await writeFile(layout.kwokConfig, `# kwok stages from ${module}\n${stages.map((text) => text.trim()).join('\n---\n')}\n`);
}
