/**
 * The `sub` claim of a JWT, without verifying it: who a token says it belongs to (an Argo CD account
 * `baton:apiKey`, a ServiceAccount `system:serviceaccount:NAMESPACE:NAME`), for messages and logs only.
 */
export function tokenSubject(token: string): string | undefined {
  try {
    const payload = JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString()) as { sub?: unknown };
    return typeof payload.sub === 'string' ? payload.sub : undefined;
  } catch {
    return undefined;
  }
}
