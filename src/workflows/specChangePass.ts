import { log } from '@temporalio/workflow';
import { now, type PlatformRun } from './platformRun.js';
import { describeChange, type AcceptedChange } from './specChangeRequest.js';
import { untilStacksDone } from './stackPass.js';
import { appliedChangeLimit, restartStack } from './state.js';

/**
 * Carries out an accepted change from steady state: authority back from Argo CD, phase 2, the added and
 * changed stacks deployed along the new spec's graph (the untouched ones count as healthy), the removed
 * ones deleted against the graph they had, then authority to Argo CD again. A failure parks the run as
 * phase 2 does. True once the change is applied; false when the run is aborted or torn down meanwhile.
 */
export async function applySpecChange(run: PlatformRun, change: AcceptedChange): Promise<boolean> {
  const { state } = run;
  const { requestedBy, reason, plan } = change;
  const record = { requestedBy, reason, plan, status: 'applying' as const, startedAt: now() };
  state.change = record;
  const description = describeChange(record);
  log.info(description);
  run.transfer('deployment', 'orchestration', description);
  run.enterPhase(2);

  run.adoptSpec(
    change.document,
    change.spec,
    plan.removed.map((name) => run.resolved(name)),
  );
  for (const name of plan.changed) restartStack(run.stack(name));
  const removed = new Set(plan.removed);
  if (!(await untilStacksDone(run, 'deploy'))) return unapplied(run);
  for (const name of removed) restartStack(run.stack(name));
  if (!(await untilStacksDone(run, 'delete', removed))) return unapplied(run);

  run.adoptSpec(change.document, change.spec);
  Object.assign(state.change, { status: 'applied', finishedAt: now() });
  state.changes = [...(state.changes ?? []), state.change].slice(-appliedChangeLimit);
  run.transfer('orchestration', 'deployment', `${description}: done; Argo CD reconciles from here`);
  return true;
}

/** The change ends unapplied: the run is aborted or torn down. */
function unapplied(run: PlatformRun): false {
  if (run.state.change) run.state.change.status = 'failed';
  return false;
}
