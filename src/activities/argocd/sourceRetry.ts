import { setTimeout as sleep } from 'node:timers/promises';
import { log } from '@temporalio/activity';
import type { ArgoCdClient } from './client.js';

/** Pauses between Baton's requests that Argo CD fetch an unreachable source again: doubling from the first to the longest. */
export const sourceRetryPauseMs = { first: 2_000, longest: 30_000 };

/**
 * Asks Argo CD to fetch an Application's source again while it cannot reach it (a chart registry or Git
 * server that does not answer). On its own Argo CD tries again only at its next reconciliation, minutes
 * later; a hard refresh makes it render at once, past its cache of the failed attempt.
 */
export class SourceRetry {
  /** How often Baton has asked, for the failure that ends the wait. */
  tries = 0;
  private running = false;

  constructor(
    private readonly client: ArgoCdClient,
    private readonly project: string,
    private readonly name: string,
    private readonly signal: AbortSignal,
  ) {}

  /** Keeps asking, with doubling pauses, for as long as `unreachable` says; a second call while it asks does nothing. */
  whileUnreachable(unreachable: () => boolean): void {
    if (this.running) return;
    this.running = true;
    void this.ask(unreachable).finally(() => {
      this.running = false;
    });
  }

  private async ask(unreachable: () => boolean): Promise<void> {
    try {
      for (let pause = sourceRetryPauseMs.first; unreachable(); pause = Math.min(pause * 2, sourceRetryPauseMs.longest)) {
        await sleep(pause, undefined, { signal: this.signal });
        if (!unreachable()) return;
        this.tries += 1;
        await this.client.getApplication(this.project, this.name, 'hard', this.signal);
      }
    } catch (err) {
      // The wait's deadline or cancellation ends the retries; anything else leaves them to Argo CD.
      if (!this.signal.aborted)
        log.warn('could not ask Argo CD to fetch the source again', { application: this.name, error: (err as Error).message });
    }
  }
}
