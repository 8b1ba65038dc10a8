import { join } from 'node:path';
import { ApplicationFailure, CancelledFailure } from '@temporalio/common';
import { failureTypes } from '../../workflows/failureTypes.js';
import { activityContext, heartbeatWhile } from '../heartbeat.js';
import type { AnsibleActivities, PlaybookSummary } from '../interfaces.js';
import { describeEvent, taskLabel, type PlaybookEvent, type StatsEvent, type TaskResultEvent } from './events.js';
import { withExtraVarsFile } from './extraVars.js';
import { playbookCluster, playbookVars, type RunPlaybookInput } from './playbookVars.js';
import { runPlaybookProcess } from './process.js';
import { automationCredentialsRef, defaultPlaybookDir, type AnsibleSettings } from './settings.js';

/** The ansible trust zone: runs the bootstrap layer's playbooks with ansible-playbook. */
export function createAnsibleActivities(settings: AnsibleSettings): AnsibleActivities {
  const playbookDir = settings.playbookDir ?? defaultPlaybookDir;

  async function runPlaybook(input: RunPlaybookInput): Promise<PlaybookSummary> {
    const cluster = playbookCluster(settings, input);
    const context = activityContext();
    const started = Date.now();
    let progress = `playbook ${input.playbook} starting`;
    let stats: StatsEvent | undefined;
    let failedTask: TaskResultEvent | undefined;
    /** A loop task's own message only says "One or more items failed": the items say what. */
    const failedItems: TaskResultEvent[] = [];

    const onEvent = (event: PlaybookEvent) => {
      if (event.event === 'stats') {
        stats = event;
        return;
      }
      if (event.event === 'result' && (event.status === 'failed' || event.status === 'unreachable') && !event.ignored) {
        if (event.item) failedItems.push(event);
        else failedTask ??= event;
      }
      progress = describeEvent(event);
      context?.heartbeat(progress);
    };
    const stopHeartbeats = heartbeatWhile(() => progress);

    const exit = await withExtraVarsFile(playbookVars(settings, input, cluster), (varsFile) =>
      runPlaybookProcess({
        command: settings.ansiblePlaybook ?? 'ansible-playbook',
        args: [join(playbookDir, `${input.playbook}.yml`), '--extra-vars', `@${varsFile}`],
        cwd: playbookDir,
        env: {
          ...process.env,
          ANSIBLE_CONFIG: join(playbookDir, 'ansible.cfg'),
          ANSIBLE_STDOUT_CALLBACK: 'baton_events',
          ANSIBLE_NOCOLOR: '1',
          PYTHONUNBUFFERED: '1',
        },
        ...(context ? { signal: context.cancellationSignal } : {}),
        killGraceMs: settings.killGraceMs ?? 5_000,
        onEvent,
      }),
    )
      .catch((err: NodeJS.ErrnoException) => {
        if (err.code === 'ENOENT') {
          throw ApplicationFailure.nonRetryable(`${settings.ansiblePlaybook ?? 'ansible-playbook'} not found: run scripts/install-debian-packages.sh`, failureTypes.playbookError);
        }
        throw err;
      })
      .finally(stopHeartbeats);

    if (context?.cancellationSignal.aborted) {
      throw context.cancellationSignal.reason instanceof Error ? context.cancellationSignal.reason : new CancelledFailure('cancelled');
    }
    const summary: PlaybookSummary = {
      playbook: input.playbook,
      ok: stats?.ok ?? 0,
      changed: stats?.changed ?? 0,
      failed: stats?.failed ?? 0,
      unreachable: stats?.unreachable ?? 0,
      skipped: stats?.skipped ?? 0,
      durationMs: Date.now() - started,
      ...(input.playbook === 'teardown' ? { keptArgoCd: stats?.data?.baton_kept_argocd === true } : { credentialsRef: automationCredentialsRef }),
    };
    if (failedTask) {
      const task = taskLabel(failedTask);
      const items = failedItems.filter((item) => taskLabel(item) === task).map((item) => `\n  ${item.item}: ${item.msg ?? 'no message'}`);
      const detail = `${failedTask.msg ?? 'no message'}${items.join('')}`;
      throw ApplicationFailure.nonRetryable(`${task} failed: ${detail}`, failureTypes.playbookFailed, { ...summary, failedTask: task, message: detail });
    }
    if (exit.code !== 0 || !stats) {
      const output = exit.outputTail.join('\n');
      throw ApplicationFailure.nonRetryable(`ansible-playbook ${input.playbook} exited with code ${exit.code}${output ? `:\n${output}` : ''}`, failureTypes.playbookError, summary);
    }
    return summary;
  }

  return { runPlaybook };
}
