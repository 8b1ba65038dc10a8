import { execFile, spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { z } from 'zod';
import { repoRoot } from './tools.js';

const exec = promisify(execFile);

/** What scripts/build-image.sh leaves in its state folder's image.json. */
const builtImageSchema = z.object({
  image: z.string().min(1),
  base: z.string().min(1),
  buildSeconds: z.number(),
  totalSeconds: z.number(),
  sizeMb: z.number(),
});
export type BuiltImage = z.infer<typeof builtImageSchema>;

/** A host path inside the container: at the same path unless told otherwise, so workers in and outside it name files alike. */
export interface Mount {
  path: string;
  /** Where it is inside, when its host path is under a folder the image's user cannot enter (such as /root). */
  target?: string;
  readOnly: boolean;
}

export interface ContainerOptions {
  mounts?: Mount[];
  env?: Record<string, string>;
  /** The container's host name, which is in its worker's identity (pid@hostname). */
  hostname?: string;
}

/** A container running in the background, its output collected. */
export interface RunningContainer {
  name: string;
  /** Everything it wrote to stdout and stderr so far. */
  output(): string;
  /** SIGTERM, then its exit code. */
  stop(): Promise<number | null>;
}

export interface WorkerImage extends BuiltImage {
  /** podman with the image's own settings (written by scripts/build-image.sh). */
  podman: string;
  /** `baton ARGS` in a new container; rejects with its output on a non-zero exit. */
  baton(args: string[], options?: ContainerOptions): Promise<string>;
  /** Runs a command other than the entrypoint in a new container. */
  run(command: string[], options?: ContainerOptions): Promise<string>;
  /** Starts `baton ARGS` in the background; resolves once its output matches `ready`. */
  start(name: string, args: string[], ready: RegExp, options?: ContainerOptions): Promise<RunningContainer>;
}

const stateDir = process.env.BATON_IMAGE_DIR ?? join(repoRoot, '.baton/image');
const podman = join(stateDir, 'podman');

/** Host network: the sandbox listens on 127.0.0.1 only. */
function runFlags({ mounts = [], env = {}, hostname }: ContainerOptions): string[] {
  return [
    '--network',
    'host',
    ...(hostname ? ['--hostname', hostname] : []),
    ...mounts.flatMap((m) => ['--volume', `${m.path}:${m.target ?? m.path}${m.readOnly ? ':ro' : ''}`]),
    ...Object.entries(env).flatMap(([name, value]) => ['--env', `${name}=${value}`]),
  ];
}

async function podmanOutput(args: string[]): Promise<string> {
  try {
    const { stdout } = await exec(podman, args, { timeout: 120_000, maxBuffer: 16 * 1024 * 1024 });
    return stdout;
  } catch (err) {
    const { stderr, stdout } = err as { stderr?: string; stdout?: string };
    throw new Error(`podman ${args.join(' ')} failed:\n${stderr ?? ''}${stdout ?? ''}`, { cause: err });
  }
}

let built: Promise<WorkerImage> | undefined;

/**
 * The worker image, built by scripts/build-image.sh once per test process (its base and layers are reused
 * when nothing changed). A missing podman, mmdebstrap or runc fails it with the command that installs them.
 */
export function workerImage(): Promise<WorkerImage> {
  built ??= buildImage();
  return built;
}

async function buildImage(): Promise<WorkerImage> {
  await new Promise<void>((resolve, reject) => {
    const child = spawn('bash', [join(repoRoot, 'scripts/build-image.sh')], { stdio: ['ignore', 'inherit', 'inherit'] });
    child.on('error', reject);
    child.on('exit', (code) =>
      code === 0 ? resolve() : reject(new Error(`scripts/build-image.sh exited with ${code}; its output is above`)),
    );
  });
  const image = builtImageSchema.parse(JSON.parse(await readFile(join(stateDir, 'image.json'), 'utf8')));
  return {
    ...image,
    podman,
    baton: (args, options = {}) => podmanOutput(['run', '--rm', ...runFlags(options), image.image, ...args]),
    run: ([entrypoint, ...args], options = {}) =>
      podmanOutput(['run', '--rm', ...runFlags(options), '--entrypoint', entrypoint!, image.image, ...args]),
    start: async (name, args, ready, options = {}) => {
      await exec(podman, ['rm', '--force', '--ignore', name]);
      const child = spawn(podman, ['run', '--rm', '--name', name, ...runFlags(options), image.image, ...args], {
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let output = '';
      const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
      await new Promise<void>((resolve, reject) => {
        const collect = (chunk: Buffer) => {
          output += chunk.toString();
          if (ready.test(output)) resolve();
        };
        child.stdout.on('data', collect);
        child.stderr.on('data', collect);
        void exited.then((code) => reject(new Error(`container ${name} exited with ${code} before it was ready:\n${output}`)));
      });
      return {
        name,
        output: () => output,
        stop: async () => {
          if (child.exitCode === null) await exec(podman, ['stop', '--time', '30', name]).catch(() => undefined);
          return exited;
        },
      };
    },
  };
}
