/**
 * The message a person needs from a failure chain: a child's failure wraps an activity's
 * failure, which wraps the ApplicationFailure that says what went wrong upstream.
 */
export function describeFailure(err: unknown): string {
  let current: unknown = err;
  let message = err instanceof Error ? err.message : String(err);
  while (current instanceof Error) {
    if (current.message) message = current.message;
    current = current.cause;
  }
  return message;
}
