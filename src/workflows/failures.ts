import { ApplicationFailure } from '@temporalio/common';

/**
 * One link of a cause chain: an Error (its `cause`), a Temporal failure as the SDK builds it, or a
 * failure as an event history records it (temporal.api.failure.v1.Failure, whose `cause` is the same shape).
 */
export interface CauseLink {
  message?: unknown;
  code?: unknown;
  cause?: unknown;
  /** An ApplicationFailure's type, as a history records it. */
  applicationFailureInfo?: { type?: unknown } | null;
}

/**
 * An error and everything it wraps, outermost first. Pure and free of Node built-ins, so workflows,
 * activities, the CLI and the report share it. A chain that loops ends at the first repeat.
 */
export function causeChain(err: unknown): CauseLink[] {
  const chain: CauseLink[] = [];
  for (let link = err; typeof link === 'object' && link !== null && !chain.includes(link); link = (link as CauseLink).cause) {
    chain.push(link as CauseLink);
  }
  return chain;
}

/**
 * The message a person needs from a failure chain: a child's failure wraps an activity's
 * failure, which wraps the ApplicationFailure that says what went wrong upstream. The deepest
 * message wins; `fallback` is said when no link has one.
 */
export function describeFailure(err: unknown, fallback = String(err)): string {
  const messages = causeChain(err).flatMap((link) => (typeof link.message === 'string' && link.message ? [link.message] : []));
  return messages.at(-1) ?? fallback;
}

/** The first system error code along the chain (ECONNREFUSED, ENOTFOUND, ...): fetch and the Kubernetes client wrap it. */
export function errorCode(err: unknown): string | undefined {
  return causeChain(err)
    .map((link) => link.code)
    .find((code): code is string => typeof code === 'string');
}

/**
 * The type (one of failureTypes) of the deepest ApplicationFailure along the chain: what went wrong upstream,
 * where describeFailure says what to fix.
 */
export function failureTypeOf(err: unknown): string | undefined {
  return causeChain(err)
    .map((link) => (link instanceof ApplicationFailure ? link.type : link.applicationFailureInfo?.type))
    .filter((type): type is string => typeof type === 'string' && type !== '')
    .at(-1);
}
