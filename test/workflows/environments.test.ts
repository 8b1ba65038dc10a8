import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { failureTypes } from '../../src/workflows/failureTypes.js';
import { activityDoubles } from '../support/doubles.js';
import { nonRetryableFailure, startLifecycle, uniqueName, waitForState, withWorkers } from '../support/harness.js';
import { platformDocument } from '../support/specs.js';
import { startTemporal } from '../support/temporal.js';

let env: TestWorkflowEnvironment;
before(async () => {
  env = await startTemporal();
});
after(async () => {
  await env?.teardown();
});

/** A platform whose environments are dev on the hub and prod on the cluster prod, with the suffix -prod. */
function twoEnvironments(name: string) {
  const document = platformDocument(name, [{ name: 'base' }, { name: 'app', dependsOn: ['base'] }]);
  return {
    ...document,
    spec: { ...document.spec, environments: [{ name: 'dev' }, { name: 'prod', cluster: 'prod', namespaceSuffix: '-prod' }] },
  };
}

/** The doubles' zones with every activity's first argument recorded, by activity name. */
function recordingInputs(zones: Record<string, object>) {
  const inputs = new Map<string, unknown[]>();
  const recorded = Object.fromEntries(
    Object.entries(zones).map(([zone, activities]) => [
      zone,
      Object.fromEntries(
        Object.entries(activities as Record<string, (input: unknown) => Promise<unknown>>).map(([name, activity]) => [
          name,
          (input: unknown) => {
            inputs.set(name, [...(inputs.get(name) ?? []), input]);
            return activity(input);
          },
        ]),
      ),
    ]),
  );
  return { zones: recorded, inputs: (name: string) => (inputs.get(name) ?? []) as Record<string, unknown>[] };
}

describe('an environment is a destination', () => {
  it('refuses an environment the spec does not declare, non-retryably, before any activity', async () => {
    const doubles = activityDoubles();
    await withWorkers(env, doubles.zones, async (prefix) => {
      const handle = await startLifecycle(env.client, prefix, { spec: twoEnvironments(uniqueName('undeclared')), environment: 'staging' });
      assert.equal((await nonRetryableFailure(handle)).type, failureTypes.invalidInput);
      assert.equal(doubles.calls.length, 0);
    });
  });

  it('sends every cluster activity, playbook and Application of a spoke environment to its cluster, with its namespaces and project', async () => {
    const doubles = activityDoubles();
    const { zones, inputs } = recordingInputs(doubles.zones);
    await withWorkers(env, zones, async (prefix) => {
      const platform = uniqueName('spoke');
      const handle = await startLifecycle(env.client, prefix, { spec: twoEnvironments(platform), environment: 'prod' });
      await waitForState(handle, (s) => s.phase.number === 3);
      await waitForState(handle, () => inputs('watchPlatformApplications').length > 0);
      await handle.terminate('end of test');

      assert.deepEqual(
        inputs('preflight').map((i) => i.cluster),
        ['prod'],
      );
      assert.deepEqual(new Set(inputs('runPlaybook').map((i) => i.cluster)), new Set(['prod']));
      const targets = inputs('ensureApplication') as { cluster?: string; stack: { name: string; namespace: string } }[];
      assert.deepEqual(
        targets.map((t) => [t.stack.name, t.cluster, t.stack.namespace]),
        [
          ['base', 'prod', 'base-prod'],
          ['app', 'prod', 'app-prod'],
        ],
      );
      const [watch] = inputs('watchPlatformApplications') as { applications: { project: string }[] }[];
      assert.deepEqual(new Set(watch?.applications.map((a) => a.project)), new Set([`${platform}-prod`]));
    });
  });
});
