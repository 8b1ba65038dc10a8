import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { Client, type WorkflowHandle } from '@temporalio/client';
import { ApplicationFailure, type DataConverter } from '@temporalio/common';
import proto from '@temporalio/proto';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { bundleWorkflowCode, type WorkflowBundle } from '@temporalio/worker';
import { encryptingDataConverter, failureConverterPath } from '../../src/codec/dataConverter.js';
import { decodeHistory } from '../../src/codec/decodeHistory.js';
import { EncryptionCodec } from '../../src/codec/encryptionCodec.js';
import { parseCodecKeys } from '../../src/codec/keys.js';
import type { ArgoCdActivities } from '../../src/activities/interfaces.js';
import { workflowsPath } from '../../src/worker/workflowsPath.js';
import { resumeUpdate, teardownUpdate } from '../../src/workflows/definitions.js';
import { failureTypes } from '../../src/workflows/failureTypes.js';
import type { platformLifecycle } from '../../src/workflows/platformLifecycle.js';
import { activityDoubles } from '../support/doubles.js';
import { startLifecycle, startWorkers, uniqueName, waitForState } from '../support/harness.js';
import { platformDocument } from '../support/specs.js';
import { startTemporal } from '../support/temporal.js';

const { History } = proto.temporal.api.history.v1;

/**
 * The secret-looking values a run can carry: a spec's Helm values and --set parameters (users put chart
 * passwords there), and an activity's error message that echoes a credential (as a refused login may).
 */
const secrets = {
  helmValue: `helm-value-${randomBytes(6).toString('hex')}`,
  helmParameter: `helm-parameter-${randomBytes(6).toString('hex')}`,
  errorMessage: `argocd-password-${randomBytes(6).toString('hex')}`,
};

const keys = parseCodecKeys(JSON.stringify({ current: 'k1', keys: { k1: randomBytes(32).toString('base64') } }), 'the test keys');

let env: TestWorkflowEnvironment;
let encodingBundle: WorkflowBundle;
before(async () => {
  env = await startTemporal();
  // The workflow code with the encoding failure converter, as a worker with the codec bundles it.
  encodingBundle = await bundleWorkflowCode({ workflowsPath, failureConverterPath, logger: quietLogger });
});
after(async () => {
  await env?.teardown();
});

/** Every secret whose bytes appear anywhere in the history as the server stores it. */
async function secretsIn(handle: WorkflowHandle): Promise<string[]> {
  // The test environment's client has no codec: this is the history as anyone with read access sees it.
  const raw = Buffer.from(History.encode(await env.client.workflow.getHandle(handle.workflowId).fetchHistory()).finish());
  return Object.entries(secrets)
    .filter(([, value]) => raw.includes(value))
    .map(([name]) => name);
}

/** One lifecycle through phases 0-4 with the secrets: a stack's health fails once with the error that echoes one. */
async function runWithSecrets(dataConverter: DataConverter | undefined): Promise<WorkflowHandle<typeof platformLifecycle>> {
  const doubles = activityDoubles();
  const argocd = doubles.zones.argocd as ArgoCdActivities;
  let refused = false;
  const zones = {
    ...doubles.zones,
    argocd: {
      ...argocd,
      awaitApplicationHealthy: async (target: Parameters<ArgoCdActivities['awaitApplicationHealthy']>[0]) => {
        if (target.stack.name === 'app' && !refused) {
          refused = true;
          throw ApplicationFailure.nonRetryable(
            `login as admin with password ${secrets.errorMessage} refused`,
            failureTypes.applicationFailed,
          );
        }
        return argocd.awaitApplicationHealthy(target);
      },
    },
  };
  const prefix = uniqueName('secrets');
  const stop = await startWorkers(env, zones, prefix, { dataConverter, ...(dataConverter ? { workflowBundle: encodingBundle } : {}) });
  try {
    const client = new Client({ connection: env.connection, namespace: env.namespace ?? 'default', dataConverter });
    const spec = platformDocument(uniqueName('secrets'), [{ name: 'base' }, { name: 'app', dependsOn: ['base'] }]);
    spec.spec.stacks[1] = {
      ...spec.spec.stacks[1]!,
      source: {
        helm: {
          valuesObject: { auth: { token: secrets.helmValue } },
          parameters: [{ name: 'admin.password', value: secrets.helmParameter }],
        },
      },
    };
    const handle = await startLifecycle(client, prefix, { spec, environment: 'dev' });
    const failed = await waitForState(handle, (s) => s.waitingFor !== null && s.stacks.some((stack) => stack.status === 'failed'));
    assert.match(
      failed.stacks.find((stack) => stack.name === 'app')!.message ?? '',
      new RegExp(secrets.errorMessage),
      'the codec client decodes the state',
    );
    await handle.executeUpdate(resumeUpdate, { args: [{ requestedBy: 'test', reason: 'the login works again' }] });
    await waitForState(handle, (s) => s.phase.number === 3);
    await handle.executeUpdate(teardownUpdate, { args: [{ requestedBy: 'test', reason: 'end of test' }] });
    assert.equal((await handle.result()).outcome, 'torn-down');
    return handle;
  } finally {
    await stop();
  }
}

describe('secrets in the history of a lifecycle run', () => {
  it('are in the history without a codec: the spec carries them to the start event and activity inputs, errors to failures', async () => {
    const found = await secretsIn(await runWithSecrets(undefined));
    assert.deepEqual(found, ['helmValue', 'helmParameter', 'errorMessage']);
  });

  it('are nowhere in the raw history with the codec, and decode back with its keys', async () => {
    const handle = await runWithSecrets(encryptingDataConverter(keys));
    assert.deepEqual(await secretsIn(handle), []);
    const history = await env.client.workflow.getHandle(handle.workflowId).fetchHistory();
    await decodeHistory(history, new EncryptionCodec(keys));
    const decoded = Buffer.from(History.encode(history).finish());
    for (const value of Object.values(secrets)) assert.ok(decoded.includes(value), `${value} decodes back`);
  });
});

const quietLogger = { trace() {}, debug() {}, info() {}, warn() {}, error: console.error, log() {} };
