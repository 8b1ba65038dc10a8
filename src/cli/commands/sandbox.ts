import { spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Option, type Command } from 'commander';
// What help texts need comes from light modules; the rest of the sandbox (with the Kubernetes client) loads in the actions.
import {
  argoCdModes,
  parseClusters,
  sandboxConfig,
  sandboxVariables,
  withClusters,
  type ArgoCdMode,
  type SandboxConfig,
} from '../../sandbox/config.js';
import type { FileChange, SandboxStatus } from '../../sandbox/index.js';
import { clusterParts, partNames } from '../../sandbox/parts/index.js';
import { CliError } from '../errors.js';
import { sandboxWorkerName } from '../sandboxWorker.js';
import { textTable } from '../textTable.js';

function configFromEnvironment(argocdMode?: ArgoCdMode, clusters?: string): SandboxConfig {
  try {
    const config = sandboxConfig();
    const moded = argocdMode ? { ...config, argocdMode } : config;
    return clusters === undefined ? moded : withClusters(moded, parseClusters(clusters, '--clusters'));
  } catch (err) {
    throw new CliError(`baton sandbox: ${(err as Error).message}`, 2);
  }
}

/** `--argocd MODE` of up and wipe-cluster. */
function argoCdModeOption(): Option {
  return new Option(
    '--argocd <mode>',
    "preinstalled: the sandbox installs Argo CD's CRDs and configuration and runs it; bootstrap: the cluster starts without Argo CD, " +
      "which runs once bootstrap installs it (default: the sandbox's current mode, else preinstalled; BATON_SANDBOX_ARGOCD)",
  ).choices(argoCdModes);
}

/** Sandbox failures are explained in their message (with the part's log tail): no stack trace. */
export async function explained<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (err) {
    const { SandboxError } = await import('../../sandbox/index.js');
    if (err instanceof SandboxError) throw new CliError(`baton sandbox: ${err.message}`);
    throw err;
  }
}

/** Runs scripts/build-tools.sh, which builds only what is missing and prints its own progress. */
export function buildTools(config: SandboxConfig): Promise<void> {
  return new Promise((resolve, reject) => {
    const build = spawn('bash', [join(config.repoRoot, 'scripts/build-tools.sh')], { stdio: ['ignore', 'inherit', 'inherit'] });
    build.on('error', reject);
    build.on('close', (code) =>
      code === 0 ? resolve() : reject(new CliError(`baton sandbox: scripts/build-tools.sh failed (exit ${code})`)),
    );
  });
}

/** A supervisor's loop: progress lines to its log, until the signal aborts. */
type Supervise = (say: (line: string) => void, signal: AbortSignal) => Promise<void>;

function partState(part: SandboxStatus['parts'][number]): string {
  if (part.running) return `running  pid ${part.pid}  ${part.rssMiB ?? '?'} MiB`;
  if (part.startedBy === 'argocd-supervisor') return 'not running (waits for bootstrap)';
  if (part.startedBy === 'rollouts-supervisor') return 'not running (waits for the Argo Rollouts CRDs)';
  return part.pid ? `NOT RUNNING (pid ${part.pid} exited)` : 'stopped';
}

function renderStatus(status: SandboxStatus): string {
  const supervisor = status.argocd.supervisor;
  const rows = textTable(
    status.parts.map((part) => [part.name, partState(part), part.endpoint]),
    '  ',
  );
  const total = status.parts.reduce((sum, part) => sum + (part.rssMiB ?? 0), 0);
  return [
    `sandbox ${status.stateDir}: ${status.running ? 'running' : status.parts.some((part) => part.running) ? 'DEGRADED' : 'stopped'}`,
    ...rows,
    `  total RSS ${total.toFixed(1)} MiB${status.coldStartSeconds !== null ? `; last cold start ${status.coldStartSeconds}s` : ''}`,
    `kubernetes  ${status.kubernetes.server} (${status.kubernetes.version ?? 'not answering'}); kubeconfig ${status.kubeconfig}`,
    `temporal    ${status.temporal.address} (namespace ${status.temporal.namespace}); UI ${status.temporal.ui}`,
    `argocd      ${status.argocd.url} (${status.argocd.version ?? 'not answering'}); user ${status.argocd.username}, password in ${status.argocd.passwordFile}`,
    `            mode ${status.argocd.mode}${supervisor ? `: ${supervisor.detail}` : supervisor === null ? ': the supervisor does not run' : ''}`,
    ...status.clusters.map(
      (cluster, index) =>
        `${index === 0 ? 'clusters' : '        '}    ${cluster.name} (Argo CD: ${cluster.argocdName})  ${cluster.healthy ? 'healthy' : 'NOT HEALTHY'}  ` +
        `${cluster.apiserver}; kubeconfig ${cluster.kubeconfig}`,
    ),
    `git         ${status.git.url} (branch ${status.git.branch}${status.git.revision ? ` at ${status.git.revision.slice(0, 12)}` : ''})`,
    `charts      ${status.registry.url} (OCI, plain HTTP); a stack's source: repoURL ${status.registry.repoURL}; add charts with \`baton sandbox push-chart DIR\``,
  ].join('\n');
}

const environmentHelp = `\nSettings (environment variables, with defaults):\n${textTable(sandboxVariables, '  ').join('\n')}\n`;

/** sandbox up | status | down | logs: every part a run needs, as local processes on 127.0.0.1. */
/** Whose logs `baton sandbox logs` prints: every part, and the worker `baton up` starts next to them. */
const logNames: string[] = [...partNames, sandboxWorkerName];
/** An extra cluster's parts: `<cluster>/<part>`. */
const clusterLogNames = clusterParts.map((part) => `<cluster>/${part.name}`);

export function registerSandboxCommands(program: Command): void {
  const sandbox = program
    .command('sandbox')
    .description(
      'run etcd, kube-apiserver, kube-controller-manager, kube-scheduler, kwok, the Temporal dev server, redis, a chart registry and Argo CD ' +
        '(repo-server, application-controller, server) locally, with stack sources in a local Git repository',
    )
    .addHelpText('after', environmentHelp);

  sandbox
    .command('up')
    .description('build what is missing, then start every part not already running and wait until each is ready')
    .option('--no-build', 'do not run scripts/build-tools.sh first')
    .addOption(argoCdModeOption())
    .option(
      '--clusters <names>',
      'one control plane per name, e.g. dev,staging,prod; the first is the hub, where Argo CD runs and which it calls in-cluster ' +
        "(default: the running sandbox's clusters, else one; BATON_SANDBOX_CLUSTERS)",
    )
    .action(async (options: { build: boolean; argocd?: ArgoCdMode; clusters?: string }) => {
      const config = configFromEnvironment(options.argocd, options.clusters);
      if (options.build) await buildTools(config);
      const { sandboxUp } = await import('../../sandbox/index.js');
      const status = await explained(() => sandboxUp(config, (line) => process.stdout.write(`${line}\n`)));
      process.stdout.write(
        `\nexport KUBECONFIG=${status.kubeconfig}\nexport TEMPORAL_ADDRESS=${status.temporal.address}\n# Temporal UI: ${status.temporal.ui}\n` +
          `# Argo CD: ${status.argocd.url} (user ${status.argocd.username}, password in ${status.argocd.passwordFile})\n` +
          `# stack sources: ${status.git.url} (branch ${status.git.branch})\n` +
          status.clusters
            .slice(1)
            .map((cluster) => `# cluster ${cluster.name}: KUBECONFIG=${cluster.kubeconfig} (${cluster.apiserver})\n`)
            .join(''),
      );
    });

  sandbox
    .command('status')
    .description('show each part (pid, running, memory) and where to reach the cluster and Temporal; exit 1 when a part is not running')
    .option('--json', 'print the status as JSON')
    .action(async (options: { json?: boolean }) => {
      const { sandboxStatus } = await import('../../sandbox/index.js');
      const status = await sandboxStatus(configFromEnvironment());
      process.stdout.write(options.json ? `${JSON.stringify(status, null, 2)}\n` : `${renderStatus(status)}\n`);
      if (!status.running) process.exitCode = 1;
    });

  sandbox
    .command('listeners')
    .description(
      'list the TCP ports each running part listens on, from the kernel; exit 1 when a part listens beyond 127.0.0.1 without a named reason',
    )
    .option('--json', 'print the scan as JSON')
    .action(async (options: { json?: boolean }) => {
      const { sandboxStatus, sandboxListeners, unexpectedListeners } = await import('../../sandbox/index.js');
      const scan = await sandboxListeners((await sandboxStatus(configFromEnvironment())).parts);
      const unexpected = unexpectedListeners(scan);
      if (!scan.length) throw new CliError('baton sandbox listeners: no part of the sandbox is running (baton sandbox up starts it)');
      if (options.json) process.stdout.write(`${JSON.stringify(scan, null, 2)}\n`);
      else {
        for (const { part, pid, listeners, exception } of scan) {
          const addresses = listeners.map(({ address, port }) => `${address.includes(':') ? `[${address}]` : address}:${port}`);
          const beyond = listeners.some((listener) => !listener.loopback);
          const note = beyond ? (exception ? `  beyond loopback: ${exception}` : '  BEYOND LOOPBACK') : '';
          process.stdout.write(`${part.padEnd(30)} pid ${String(pid).padEnd(8)} ${addresses.join(', ') || '(no TCP listener)'}${note}\n`);
        }
        process.stdout.write(
          unexpected.length
            ? `${unexpected.map((part) => part.part).join(', ')} listen${unexpected.length === 1 ? 's' : ''} beyond 127.0.0.1\n`
            : `every part listens on 127.0.0.1 only${scan.some((part) => part.exception) ? ', but for the exceptions named above' : ''}\n`,
        );
      }
      if (unexpected.length) process.exitCode = 1;
    });

  sandbox
    .command('down')
    .description('stop every process the sandbox started (SIGTERM, then SIGKILL); state and data stay for the next up')
    .action(async () => {
      const { sandboxDown } = await import('../../sandbox/index.js');
      await explained(() => sandboxDown(configFromEnvironment(), (line) => process.stdout.write(`${line}\n`)));
    });

  sandbox
    .command('wipe-cluster')
    .description(
      "simulate cluster loss: delete the (hub) cluster's state (etcd) and start it again empty; Temporal keeps every run's history",
    )
    .option('--yes', 'confirm: every object in the sandbox cluster is lost')
    .addOption(argoCdModeOption())
    .action(async (options: { yes?: boolean; argocd?: ArgoCdMode }) => {
      if (!options.yes) throw new CliError('wipe-cluster deletes every object in the sandbox cluster; pass --yes to confirm', 2);
      const { sandboxWipeCluster } = await import('../../sandbox/index.js');
      await explained(() => sandboxWipeCluster(configFromEnvironment(options.argocd), (line) => process.stdout.write(`${line}\n`)));
    });

  // Started by `up` as the parts argocd-supervisor (bootstrap mode) and rollouts-supervisor; not for people.
  const supervisors: [name: string, description: string, run: Supervise][] = [
    [
      'supervise-argocd',
      "run Argo CD's controller and server while bootstrap's install of Argo CD is in the sandbox cluster, until SIGTERM",
      async (say, signal) => (await import('../../sandbox/index.js')).superviseArgoCd(configFromEnvironment('bootstrap'), say, signal),
    ],
    [
      'supervise-rollouts',
      "run each cluster's Argo Rollouts controller while the cluster holds the Argo Rollouts CRDs, until SIGTERM",
      async (say, signal) => (await import('../../sandbox/index.js')).superviseRollouts(configFromEnvironment(), say, signal),
    ],
  ];
  for (const [name, description, run] of supervisors)
    sandbox
      .command(name, { hidden: true })
      .description(description)
      .action(async () => {
        const stop = new AbortController();
        for (const signal of ['SIGTERM', 'SIGINT'] as const) process.once(signal, () => stop.abort());
        const say = (line: string) => process.stdout.write(`${new Date().toISOString()} ${line}\n`);
        await explained(() => run(say, stop.signal));
      });

  sandbox
    .command('commit')
    .description("commit files to the sandbox's stack sources (the Git repository Argo CD reads) and print the new revision")
    .requiredOption('-m, --message <message>', 'the commit message')
    .option(
      '--delete <path>',
      'delete this path in the repository (repeatable)',
      (path: string, paths: string[]) => [...paths, path],
      [] as string[],
    )
    .argument('[files...]', 'REPOPATH=LOCALFILE: write the local file to that path in the repository')
    .action(async (files: string[], options: { message: string; delete: string[] }) => {
      const changes: FileChange[] = [];
      for (const file of files) {
        const at = file.indexOf('=');
        if (at < 1 || at === file.length - 1) throw new CliError(`baton sandbox commit: ${file} is not REPOPATH=LOCALFILE`, 2);
        const local = file.slice(at + 1);
        const content = await readFile(local).catch(() => {
          throw new CliError(`baton sandbox commit: cannot read ${local}`, 2);
        });
        changes.push({ path: file.slice(0, at), content });
      }
      changes.push(...options.delete.map((path) => ({ path, content: null })));
      if (!changes.length) throw new CliError('baton sandbox commit: name files (REPOPATH=LOCALFILE) or --delete paths', 2);
      const { commitFiles, sandboxLayout } = await import('../../sandbox/index.js');
      const repo = sandboxLayout(configFromEnvironment()).gitRepo;
      const { revision, changed } = await commitFiles(repo, changes, options.message).catch((err: Error) => {
        throw new CliError(`baton sandbox commit: ${err.message}`);
      });
      process.stdout.write(`${revision}${changed ? '' : ' (nothing changed)'}\n`);
    });

  sandbox
    .command('push-chart')
    .description(
      "package a Helm chart folder with helm and push it to the sandbox's chart registry; prints the source a stack names it with",
    )
    .argument('<dir>', "the chart's folder (holding Chart.yaml)")
    .action(async (dir: string) => {
      const { pushChart } = await import('../../sandbox/index.js');
      const chart = await pushChart(configFromEnvironment(), dir).catch((err: Error) => {
        throw new CliError(`baton sandbox push-chart: ${err.message}`);
      });
      process.stdout.write(
        `pushed ${chart.chart} ${chart.targetRevision}${chart.digest ? ` (${chart.digest})` : ''}\n` +
          `source:\n  repoURL: ${chart.repoURL}\n  chart: ${chart.chart}\n  targetRevision: ${chart.targetRevision}\n`,
      );
    });

  sandbox
    .command('logs')
    .description(`print the end of a part's log (${[...logNames, ...clusterLogNames].join(', ')})`)
    .argument('<part>', "the part, an extra cluster's part (e.g. prod/kube-apiserver), or the worker `baton up` started")
    .option('-n, --lines <count>', 'how many lines', '100')
    .action(async (name: string, options: { lines: string }) => {
      const lines = Number(options.lines);
      if (!Number.isInteger(lines) || lines < 1) throw new CliError(`baton sandbox logs: --lines must be a positive whole number`, 2);
      const { logFilePath, sandboxClusterLayout } = await import('../../sandbox/index.js');
      const [cluster, part] = name.includes('/') ? name.split('/', 2) : [undefined, name];
      const known = cluster === undefined ? logNames : clusterParts.map((own) => own.name);
      if (!part || !known.includes(part))
        throw new CliError(`baton sandbox logs: unknown part ${name}; one of ${[...logNames, ...clusterLogNames].join(', ')}`, 2);
      const layout = await sandboxClusterLayout(configFromEnvironment(), cluster).catch((err: Error) => {
        throw new CliError(`baton sandbox logs: ${err.message}`, 2);
      });
      const path = logFilePath(layout, part);
      const text = await readFile(path, 'utf8').catch(() => {
        throw new CliError(`baton sandbox logs: ${path} does not exist (has the sandbox been started?)`);
      });
      process.stdout.write(`${text.split('\n').filter(Boolean).slice(-lines).join('\n')}\n`);
    });
}
