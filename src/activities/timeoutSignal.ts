/**
 * A signal that aborts with a TimeoutError after `ms`. Not AbortSignal.timeout: AbortSignal.any holds its
 * sources weakly, so once garbage collection takes a timeout signal that only a combined signal refers to,
 * its timer never fires and the combined signal never aborts (Node 20; nodejs/node#57736). Here the timer
 * holds the controller. It does not keep the process alive.
 */
export function timeoutSignal(ms: number): AbortSignal {
  const controller = new AbortController();
  setTimeout(() => controller.abort(new DOMException(`no answer within ${ms} ms`, 'TimeoutError')), ms).unref();
  return controller.signal;
}
