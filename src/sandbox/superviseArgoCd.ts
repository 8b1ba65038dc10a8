import { setTimeout as sleep } from 'node:timers/promises';
import { argoCdInstallationReader, workloadName, type ArgoCdInstallation } from './argoCdInstallation.js';
import { setFreshInstallAdminPassword } from './argocd.js';
import { registerChartRepository } from './chartRegistry.js';
import type { SandboxConfig } from './config.js';
import { partContext, startPart, stopRecorded, type Progress } from './lifecycle.js';
import { sandboxParts, startedBy, type PartName, type SandboxPart } from './parts/index.js';
import { isRunning, readPidRecord } from './processes.js';
import { writeSupervisorReport, type SupervisorReport } from './supervisorReport.js';

/** How often the cluster is looked at: Argo CD starts within about this long of bootstrap installing it. */
const pollMs = 1_000;
/** How long after a failed start the supervisor tries again. */
const retryMs = 10_000;

type Supervised = SandboxPart & { argoCdWorkload: NonNullable<SandboxPart['argoCdWorkload']> };

/** Why a part must not run now; undefined when it should. */
function reasonNotToRun(part: Supervised, found: ArgoCdInstallation): string | undefined {
  if (found.missing.length) return `missing ${found.missing.join(', ')}`;
  if (!found.workloads.has(workloadName(part.argoCdWorkload))) return `no ${workloadName(part.argoCdWorkload)} in namespace argocd`;
  return undefined;
}

/**
 * Bootstrap mode's stand-in for the Pods of Argo CD's workloads: every second it looks at the cluster and
 * runs the Argo CD controller and server exactly while bootstrap's install is there (CRDs Established,
 * argocd-cm, argocd-rbac-cm, argocd-secret, and the part's own Deployment or StatefulSet). Teardown
 * stops them; CRDs created again restart them (their watches would be stale). Runs until `signal`
 * aborts, then stops what it started.
 */
export async function superviseArgoCd(config: SandboxConfig, say: Progress, signal: AbortSignal): Promise<void> {
  const context = await partContext({ ...config, argocdMode: 'bootstrap' }, say);
  const { layout } = context;
  const supervised = sandboxParts.filter((part): part is Supervised => startedBy(part, 'bootstrap') === 'argocd-supervisor');
  const inspect = argoCdInstallationReader(
    layout.kubeconfig,
    supervised.map((part) => part.argoCdWorkload),
  );
  /** The CRD uids each running part started with. */
  const startedWith = new Map<PartName, string>();
  let failedAt = 0;
  let reported = '';
  const report = async (state: SupervisorReport['state'], detail: string) => {
    if (`${state} ${detail}` === reported) return;
    reported = `${state} ${detail}`;
    say(`${state}: ${detail}`);
    await writeSupervisorReport(layout, { state, detail });
  };

  await report('waiting', 'looking at the cluster');
  while (!signal.aborted) {
    try {
      const found = await inspect();
      const deferred: string[] = [];
      for (const part of supervised) {
        const record = await readPidRecord(layout, part.name);
        const running = record !== undefined && isRunning(record);
        // A process left by an earlier supervisor is adopted as it is.
        if (running && !startedWith.has(part.name)) startedWith.set(part.name, found.crdUids);
        const notWanted = reasonNotToRun(part, found);
        const wanted = notWanted === undefined;
        const stopBecause = notWanted ?? (startedWith.get(part.name) !== found.crdUids ? "Argo CD's CRDs were created again" : undefined);
        if (running && stopBecause) {
          say(`stopping ${part.name} (pid ${record.pid}): ${stopBecause}`);
          await stopRecorded(layout, [part.name], say);
          startedWith.delete(part.name);
        }
        if (wanted && (!running || stopBecause)) {
          if (Date.now() - failedAt < retryMs) {
            deferred.push(part.name);
            continue;
          }
          await report('starting', `${part.name}: bootstrap's install of Argo CD is in the cluster`);
          if (await setFreshInstallAdminPassword(config, layout))
            say(`admin password of the fresh install set from ${layout.argocdPasswordFile}`);
          await registerChartRepository(config, layout);
          await startPart(part, context, say);
          startedWith.set(part.name, found.crdUids);
        }
      }
      const waiting = supervised.map((part) => reasonNotToRun(part, found)).find((reason) => reason !== undefined);
      if (waiting) await report('waiting', `waiting for bootstrap to install Argo CD (${waiting})`);
      else if (!deferred.length) await report('running', `${supervised.map((part) => part.name).join(' and ')} running`);
    } catch (err) {
      failedAt = Date.now();
      await report('failing', `${err instanceof Error ? err.message : String(err)}; trying again in ${retryMs / 1000}s`);
    }
    await sleep(pollMs, undefined, { signal }).catch(() => undefined);
  }
  await stopRecorded(layout, supervised.map((part) => part.name).reverse(), say);
}
