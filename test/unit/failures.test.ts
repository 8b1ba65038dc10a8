import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ActivityFailure, ApplicationFailure, ChildWorkflowFailure, RetryState } from '@temporalio/common';
import { causeChain, describeFailure, errorCode, failureTypeOf } from '../../src/workflows/failures.js';
import { failureTypes } from '../../src/workflows/failureTypes.js';

describe('the cause chain of a failure', () => {
  const upstream = ApplicationFailure.nonRetryable('application cert-manager is Degraded', failureTypes.applicationFailed);
  const activity = new ActivityFailure('Activity task failed', 'waitForHealthy', '3', RetryState.NON_RETRYABLE_FAILURE, 'worker', upstream);
  const child = new ChildWorkflowFailure(
    'default',
    { workflowId: 'stack', runId: 'r' },
    'deployStack',
    RetryState.NON_RETRYABLE_FAILURE,
    activity,
  );

  it('walks a child failure down to the ApplicationFailure that says what went wrong', () => {
    assert.deepEqual(causeChain(child), [child, activity, upstream]);
    assert.equal(describeFailure(child), 'application cert-manager is Degraded');
  });

  it('gives the type of the deepest ApplicationFailure, as the SDK builds it and as a history records it', () => {
    assert.equal(failureTypeOf(child), failureTypes.applicationFailed);
    const recorded = {
      message: 'Activity task failed',
      cause: { message: 'refused', applicationFailureInfo: { type: failureTypes.argoCdPermissionDenied } },
    };
    assert.equal(failureTypeOf(recorded), failureTypes.argoCdPermissionDenied);
    assert.equal(failureTypeOf(new Error('no type here')), undefined);
  });

  it('walks a failure as an event history records it', () => {
    const recorded = {
      message: 'Child Workflow execution failed',
      cause: { message: 'Activity task failed', cause: { message: 'Deployment/x has 0/1 ready replicas', cause: null } },
    };
    assert.equal(causeChain(recorded).length, 3);
    assert.equal(describeFailure(recorded, 'failed'), 'Deployment/x has 0/1 ready replicas');
    assert.equal(describeFailure(undefined, 'failed'), 'failed');
    assert.equal(describeFailure({ message: '' }, 'failed'), 'failed');
  });

  it('keeps the deepest message that is not empty, and says a thrown string as it is', () => {
    assert.equal(describeFailure(new Error('outer', { cause: new Error('') })), 'outer');
    assert.equal(describeFailure('plain words'), 'plain words');
  });

  it('ends at a loop', () => {
    const a = new Error('a');
    const b = new Error('b', { cause: a });
    a.cause = b;
    assert.deepEqual(causeChain(a), [a, b]);
  });

  it('finds the system error code fetch wraps, and none in a chain without one', () => {
    const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED' });
    assert.equal(errorCode(new TypeError('fetch failed', { cause: refused })), 'ECONNREFUSED');
    // A DOMException's numeric code (a timeout's 23) is not a system error code.
    assert.equal(errorCode(new DOMException('The operation was aborted due to timeout', 'TimeoutError')), undefined);
    assert.equal(errorCode(upstream), undefined);
  });
});
