import { Option, type Command } from 'commander';
import type { SandboxStatus } from '../../sandbox/index.js';
import { formatIssue, formatPath } from '../../spec/issues.js';
import { inClusterName } from '../../spec/schema.js';
import { clustersEnv } from '../../worker/clusterFlags.js';
import { servedQueues } from '../../worker/servedQueues.js';
import type { WorkerSettings } from '../../worker/settings.js';
import { defaultTaskQueuePrefix, workflowTaskQueue, zoneTaskQueue, type TrustZone } from '../../workflows/taskQueues.js';
import { CliError } from '../errors.js';

interface WorkerOptions {
  sandbox?: boolean;
  serve: string;
  taskQueuePrefix: string;
  kubeconfig?: string;
  /** NAME=KUBECONFIG, one per --cluster. */
  cluster?: string[];
  automationKubeconfig?: string;
  argocdUrl?: string;
  argocdTokenFile?: string;
  argocdUsername?: string;
  argocdPasswordFile?: string;
  argocdProject?: string;
  argocdManifests?: string;
}

/** The sandbox's parts as the worker's settings; the command line may still override each. */
async function sandboxDefaults(): Promise<{ status: SandboxStatus; defaults: Partial<WorkerOptions> }> {
  const { argoCdRelease, sandboxConfig, sandboxLayout, sandboxStatus } = await import('../../sandbox/index.js');
  const config = sandboxConfig();
  const status = await sandboxStatus(config);
  if (!status.running) throw new CliError('the sandbox is not running: start it with `baton sandbox up` (or `baton up`)');
  const release = await argoCdRelease(config);
  return {
    status,
    defaults: {
      kubeconfig: status.kubeconfig,
      cluster: status.clusters.filter((c) => c.argocdName !== inClusterName).map((c) => `${c.argocdName}=${c.kubeconfig}`),
      automationKubeconfig: sandboxLayout(config).automationKubeconfig,
      argocdUrl: status.argocd.url,
      argocdUsername: status.argocd.username,
      argocdPasswordFile: status.argocd.passwordFile,
      argocdManifests: release.manifestsDir,
    },
  };
}

/** The clusters besides the hub: every --cluster, else BATON_CLUSTERS' list. */
async function clustersFrom(options: WorkerOptions): Promise<WorkerSettings['clusters']> {
  const { parseClusterFlags } = await import('../../worker/clusterFlags.js');
  const listed = process.env[clustersEnv];
  const [entries, source] = options.cluster?.length
    ? [options.cluster, '--cluster']
    : [listed ? listed.split(',').filter((entry) => entry.trim()) : [], clustersEnv];
  if (entries.length === 0) return undefined;
  try {
    return parseClusterFlags(entries, source);
  } catch (err) {
    throw new CliError(`baton worker: bad settings\n  ${(err as Error).message}`, 2);
  }
}

/** Checks the options as a whole and names each missing or bad one. */
async function settingsFrom(options: WorkerOptions, tokenFile: string | undefined): Promise<WorkerSettings> {
  const { workerSettingsSchema } = await import('../../worker/settings.js');
  const clusters = await clustersFrom(options);
  const credentials = options.argocdTokenFile
    ? { tokenFile: options.argocdTokenFile }
    : options.argocdUsername || options.argocdPasswordFile
      ? { username: options.argocdUsername ?? '', passwordFile: options.argocdPasswordFile ?? '' }
      : undefined;
  const parsed = workerSettingsSchema.safeParse({
    taskQueuePrefix: options.taskQueuePrefix,
    serve: options.serve
      .split(',')
      .map((queue) => queue.trim())
      .filter(Boolean),
    ...(options.kubeconfig ? { kubeconfig: options.kubeconfig } : {}),
    ...(clusters ? { clusters } : {}),
    ...(options.automationKubeconfig ? { automationKubeconfig: options.automationKubeconfig } : {}),
    ...(options.argocdUrl || credentials
      ? {
          argocd: {
            url: options.argocdUrl ?? '',
            credentials,
            ...(options.argocdProject ? { project: options.argocdProject } : {}),
            ...(tokenFile ? { tokenFile } : {}),
          },
        }
      : {}),
    ...(options.argocdManifests ? { argocdManifestsDir: options.argocdManifests } : {}),
  });
  if (!parsed.success)
    throw new CliError(
      `baton worker: bad settings\n${parsed.error.issues.map((issue) => `  ${formatIssue({ path: formatPath(issue.path), message: issue.message })}`).join('\n')}`,
      2,
    );
  return parsed.data;
}

/** `baton worker`: one process serving the workflow queue and the trust zones it is given credentials for. */
export function registerWorkerCommand(program: Command): void {
  program
    .command('worker')
    .description('run a worker: the workflow task queue and the activity queues of the trust zones it serves, until SIGINT/SIGTERM')
    .option(
      '--sandbox',
      'use the sandbox: its Temporal, kubeconfig, automation kubeconfig path, Argo CD and manifests (each still overridable)',
    )
    .option('--serve <queues>', `comma-separated, from ${servedQueues.join(', ')}`, servedQueues.join(','))
    .option('--task-queue-prefix <prefix>', 'task queue prefix shared with `baton deploy`', defaultTaskQueuePrefix)
    .addOption(
      new Option(
        '--kubeconfig <file>',
        'cluster and ansible zones: the cluster credentials (the cluster zone keeps them for preflight and the orphan check)',
      ).env('BATON_KUBECONFIG'),
    )
    .option(
      '--cluster <name=kubeconfig>',
      `cluster and ansible zones: another cluster environments deploy to, by its name in Argo CD (repeatable; or ${clustersEnv}=name=file,name=file); --kubeconfig is the hub, ${inClusterName}`,
      (entry: string, earlier: string[] | undefined) => [...(earlier ?? []), entry],
    )
    .addOption(
      new Option(
        '--automation-kubeconfig <file>',
        "ansible zone: where rotation writes the automation ServiceAccount's kubeconfig; cluster zone: acts with it once it exists (re-read when it changes)",
      ).env('BATON_AUTOMATION_KUBECONFIG'),
    )
    .addOption(new Option('--argocd-url <url>', "argocd zone: Argo CD's API").env('BATON_ARGOCD_URL'))
    .addOption(
      new Option('--argocd-token-file <file>', 'argocd zone: a file holding an API token (re-read after a 401)').env(
        'BATON_ARGOCD_TOKEN_FILE',
      ),
    )
    .addOption(
      new Option('--argocd-username <name>', 'argocd zone: a local account, with --argocd-password-file').env('BATON_ARGOCD_USERNAME'),
    )
    .addOption(
      new Option('--argocd-password-file <file>', "argocd zone: a file holding the account's password").env('BATON_ARGOCD_PASSWORD_FILE'),
    )
    .addOption(
      new Option('--argocd-project <name>', "the stacks' AppProject (default: the platform's, created by bootstrap)").env(
        'BATON_ARGOCD_PROJECT',
      ),
    )
    .addOption(
      new Option('--argocd-manifests <dir|url>', "ansible zone: Argo CD's pinned manifests to install").env('BATON_ARGOCD_MANIFESTS'),
    )
    .addHelpText(
      'after',
      '\nTemporal connection: TEMPORAL_ADDRESS, TEMPORAL_NAMESPACE, TEMPORAL_API_KEY, TEMPORAL_TLS_*, TEMPORAL_PROFILE.\nLog level: BATON_LOG_LEVEL (default INFO).',
    )
    .action(async (given: WorkerOptions) => {
      let options = given;
      let tokenFile: string | undefined;
      if (given.sandbox) {
        const { status, defaults } = await sandboxDefaults();
        options = { ...defaults, ...Object.fromEntries(Object.entries(given).filter(([, value]) => value !== undefined)) } as WorkerOptions;
        const { sandboxConfig, sandboxLayout } = await import('../../sandbox/index.js');
        tokenFile = sandboxLayout(sandboxConfig()).argocdTokenFile;
        process.env.TEMPORAL_ADDRESS ??= status.temporal.address;
      }
      const settings = await settingsFrom(options, tokenFile);
      const [
        { connectWorker },
        { installRuntimeLogger },
        { createWorkers, runWorkers },
        { zoneActivities },
        { Client },
        { configuredDataConverter },
      ] = await Promise.all([
        import('../../worker/connection.js'),
        import('../../worker/runtime.js'),
        import('../../worker/workers.js'),
        import('../../worker/zoneActivities.js'),
        import('@temporalio/client'),
        import('../../codec/dataConverter.js'),
      ]);
      installRuntimeLogger('INFO');
      const { connection, namespace } = await connectWorker().catch((err: Error) => {
        throw new CliError(`baton worker: cannot reach Temporal at ${process.env.TEMPORAL_ADDRESS ?? 'localhost:7233'}: ${err.message}`);
      });
      const dataConverter = configuredDataConverter();
      const zones = zoneActivities(settings, new Client({ connection, namespace, dataConverter }));
      const workers = await createWorkers({
        connection,
        namespace,
        dataConverter,
        taskQueuePrefix: settings.taskQueuePrefix,
        workflows: settings.serve.includes('workflows'),
        zones,
      });
      const queues = [
        ...(settings.serve.includes('workflows') ? [workflowTaskQueue(settings.taskQueuePrefix)] : []),
        ...Object.keys(zones).map((zone) => zoneTaskQueue(settings.taskQueuePrefix, zone as TrustZone)),
      ];
      process.stdout.write(`baton worker serving ${queues.join(', ')} in namespace ${namespace}; SIGINT or SIGTERM stops it\n`);
      await runWorkers(workers);
      await connection.close();
      process.stdout.write('baton worker stopped\n');
    });
}
