import { setTimeout as sleep } from 'node:timers/promises';
import { ApplicationFailure } from '@temporalio/common';
import { failureTypes } from '../../workflows/failureTypes.js';

/** An answer from Argo CD's API other than 2xx: the call, the status and Argo CD's own message. */
export class ArgoCdApiError extends Error {
  override name = 'ArgoCdApiError';
  constructor(
    readonly method: string,
    readonly path: string,
    readonly status: number,
    readonly argoMessage: string,
  ) {
    super(`Argo CD answered ${method} ${path} with ${status}: ${argoMessage}`);
  }

  get notFound(): boolean {
    return this.status === 404;
  }

  /** Argo CD allows one operation per Application at a time. */
  get operationInProgress(): boolean {
    return /another operation is already in progress/i.test(this.argoMessage);
  }
}

/** Argo CD's API did not answer at all: connection refused, reset, DNS, or the request timed out. */
export class ArgoCdUnreachableError extends Error {
  override name = 'ArgoCdUnreachableError';
}

/**
 * The address a Go network error names ("dial tcp 127.0.0.1:5000: connect: connection refused", "lookup
 * charts.example.com on 10.0.0.2:53: no such host"), as Argo CD passes on when it cannot fetch a source.
 */
export function unreachableAddress(message: string): string | undefined {
  return /dial tcp (\S+:\d+): /.exec(message)?.[1] ?? /lookup (\S+?)(?: on \S+)?: no such host/.exec(message)?.[1];
}

/**
 * The failure an activity raises for an Argo CD error: credentials and permissions, and requests Argo CD
 * rejects as invalid, are not retried (they need a person); a missing API, a server error or a busy
 * Application are retried by the activity's retry policy.
 */
export function activityFailure(err: unknown, account: string): Error {
  if (err instanceof ArgoCdApiError) {
    if (err.status === 401) {
      return ApplicationFailure.nonRetryable(
        `Argo CD rejected the credentials of account "${account}" (401 on ${err.method} ${err.path}: ${err.argoMessage}); check the worker's Argo CD password or token file`,
        failureTypes.argoCdUnauthenticated,
      );
    }
    if (err.status === 403) {
      return ApplicationFailure.nonRetryable(
        `Argo CD account "${account}" lacks the permission for ${err.method} ${err.path}: ${err.argoMessage}; grant it in argocd-rbac-cm (policy.csv) for the platform's AppProject`,
        failureTypes.argoCdPermissionDenied,
      );
    }
    if (err.status === 400 || err.status === 422) {
      return ApplicationFailure.nonRetryable(
        `Argo CD refused ${err.method} ${err.path}: ${err.argoMessage}`,
        failureTypes.argoCdInvalidRequest,
      );
    }
    return ApplicationFailure.retryable(err.message, failureTypes.argoCdApiError);
  }
  if (err instanceof ArgoCdUnreachableError) return ApplicationFailure.retryable(err.message, failureTypes.argoCdUnreachable);
  return err instanceof Error ? err : new Error(String(err));
}

/**
 * Argo CD's answer while it cannot reach its own cluster's API server ("Get \"https://…/apis/argoproj.io/…\":
 * dial tcp …: connect: connection refused"), as while a control plane restarts: worth waiting out in the
 * activity rather than spending the stack's retries on it. A source's registry or Git server is not an API path.
 */
export function clusterApiAway(err: unknown): boolean {
  return (
    err instanceof ArgoCdApiError &&
    err.status >= 500 &&
    /"https?:\/\/[^"]+\/apis?\/[^"]*": dial tcp \S+: connect: connection refused/.test(err.argoMessage)
  );
}

/** How long a call waits for Argo CD to reach its cluster again before it fails as it would have. */
const clusterApiWaitMs = 90_000;
const clusterApiPollMs = 2_000;

/** Runs `call`, turning Argo CD's errors into activity failures that say whom to ask and what to fix. */
export async function guarded<T>(client: { account(): Promise<string> }, call: () => Promise<T>): Promise<T> {
  const deadline = Date.now() + clusterApiWaitMs;
  for (;;) {
    try {
      return await call();
    } catch (err) {
      if (clusterApiAway(err) && Date.now() < deadline) {
        await sleep(clusterApiPollMs);
        continue;
      }
      throw activityFailure(err, await client.account().catch(() => 'unknown'));
    }
  }
}
