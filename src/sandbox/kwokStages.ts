import { execFile } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { parse } from 'yaml';
import type { SandboxConfig } from './config.js';
import type { SandboxLayout } from './layout.js';

const run = promisify(execFile);

/**
 * kwok run on its own (not through kwokctl) has no built-in stages. These are the ones kwokctl
 * installs by default: nodes become Ready and keep a lease, pods become Ready, complete, and go
 * away when deleted (there is no kubelet to finish a deletion); and its volume set: claims of the
 * StorageClass kwok-volume get a bound PersistentVolume, deleted with them (no provisioner runs).
 */
const stageFiles = [
  'kustomize/stage/node/fast/node-initialize.yaml',
  'kustomize/stage/node/heartbeat-with-lease/node-heartbeat-with-lease.yaml',
  'kustomize/stage/pod/fast/pod-ready.yaml',
  'kustomize/stage/pod/fast/pod-complete.yaml',
  'kustomize/stage/pod/fast/pod-delete.yaml',
  'kustomize/stage/volume/fast/pvc-provision.yaml',
  'kustomize/stage/volume/fast/pv-bind.yaml',
  'kustomize/stage/volume/fast/pvc-delete.yaml',
  'kustomize/stage/volume/fast/pv-delete.yaml',
];

/** The volume set's StorageClass (the cluster's default class), which its stages match on. */
const storageClassFile = 'kustomize/stage/volume/fast/storage-class.yaml';

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

/**
 * The stages and the StorageClass are read from the pinned kwok module's source at run time, not copied
 * into this repository: building .tools/bin/kwok put that module in the Go module cache, so they are
 * exactly the ones of the kwok that runs, and `go mod download` fetches them again into an emptied cache.
 */
async function kwokFiles(config: SandboxConfig, layout: SandboxLayout, files: string[]): Promise<{ module: string; texts: string[] }> {
  const module = await kwokModule(config);
  const dir = await moduleDir(module, layout.stateDir);
  return { module, texts: await Promise.all(files.map((file) => readFile(join(dir, file), 'utf8'))) };
}

/** Writes kwok's configuration (its stages); says whether it changed (a running kwok read the old one). */
export async function writeKwokConfig(config: SandboxConfig, layout: SandboxLayout): Promise<boolean> {
  const { module, texts } = await kwokFiles(config, layout, stageFiles);
  const text = `# kwok stages from ${module}\n${texts.map((stage) => stage.trim()).join('\n---\n')}\n`;
  const previous = await readFile(layout.kwokConfig, 'utf8').catch(() => undefined);
  if (previous === text) return false;
  await writeFile(layout.kwokConfig, text);
  return previous !== undefined;
}

/** The volume stages' StorageClass, as the kwok module ships it. */
export async function kwokStorageClass(config: SandboxConfig, layout: SandboxLayout): Promise<object> {
  const { texts } = await kwokFiles(config, layout, [storageClassFile]);
  return parse(texts[0] ?? '') as object;
}
