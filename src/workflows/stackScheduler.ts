import { blockedBy, type StackGraph } from '../dag/index.js';

export interface SchedulingPolicy {
  /** How many stacks run at once. */
  maxParallel: number;
  /** After a failure nothing new starts; the stacks already running finish. */
  failFast: boolean;
}

export type PassOutcome = 'completed' | 'failed' | 'aborted';

const waiting = 0;
const running = 1;
const succeeded = 2;
const failed = 3;
const blocked = 4;
const cancelled = 5;

/**
 * Decides which stacks of one pass start when: phase 2's deploys over the stack graph, or phase 4's
 * deletes over the reversed graph. A stack is ready once every stack it depends on has succeeded;
 * ready stacks start in declaration order, as many as there are free slots. Each success decrements
 * its dependents' counts of unmet dependencies, so a result costs that stack's edges, not a scan of
 * the graph. Pure: the workflow reports each stack's result and starts what `start()` says.
 */
export class StackScheduler {
  private readonly progress: Uint8Array;
  private readonly unmet: Int32Array;
  /** Ready stacks by index, highest first: the first declared is at the end, where pop() takes it. */
  private readonly ready: number[] = [];
  private runningCount = 0;
  private succeededCount = 0;
  private failedCount = 0;
  private settledCount = 0;
  private aborted = false;

  /** `done` names the stacks already succeeded before this pass (healthy ones on resume); every other stack waits. */
  constructor(
    private readonly graph: StackGraph,
    done: (name: string) => boolean,
    private readonly policy: SchedulingPolicy,
  ) {
    const n = graph.names.length;
    this.progress = new Uint8Array(n);
    this.unmet = new Int32Array(n);
    graph.names.forEach((name, i) => {
      if (done(name)) {
        this.progress[i] = succeeded;
        this.succeededCount += 1;
      }
    });
    for (let i = n - 1; i >= 0; i--) {
      if (this.progress[i] !== waiting) continue;
      this.unmet[i] = graph.dependencies[i]!.filter((d) => this.progress[d] !== succeeded).length;
      if (this.unmet[i] === 0) this.ready.push(i);
    }
  }

  /** The stacks to start now, in declaration order; they count as running until their result is reported. */
  start(): string[] {
    if (this.aborted || (this.policy.failFast && this.failedCount > 0)) return [];
    const started: string[] = [];
    while (this.runningCount < this.policy.maxParallel && this.ready.length > 0) {
      const i = this.ready.pop()!;
      this.progress[i] = running;
      this.runningCount += 1;
      started.push(this.graph.names[i]!);
    }
    return started;
  }

  /** A running stack succeeded: dependents with no other unmet dependency become ready. */
  succeeded(name: string): void {
    const i = this.settle(name, succeeded);
    this.succeededCount += 1;
    for (const dependent of this.graph.dependents[i]!) {
      this.unmet[dependent]! -= 1;
      if (this.unmet[dependent] === 0 && this.progress[dependent] === waiting) this.makeReady(dependent);
    }
  }

  /** A running stack failed: returns the waiting stacks that depend on it, directly or not, which are now blocked. */
  failed(name: string): string[] {
    this.settle(name, failed);
    this.failedCount += 1;
    const newlyBlocked = blockedBy(this.graph, [name]).filter((n) => this.progress[this.graph.indexOf.get(n)!] === waiting);
    for (const n of newlyBlocked) this.progress[this.graph.indexOf.get(n)!] = blocked;
    return newlyBlocked;
  }

  /** A running stack was cancelled by an abort: its dependents stay waiting, as nothing new starts. */
  cancelled(name: string): void {
    this.settle(name, cancelled);
  }

  /** Starts nothing more; the stacks running are the workflow's to cancel. */
  abort(): void {
    this.aborted = true;
  }

  get running(): number {
    return this.runningCount;
  }

  /** How many results were reported: the workflow waits for it to grow. */
  get settled(): number {
    return this.settledCount;
  }

  /** How the pass ended, once nothing runs. */
  outcome(): PassOutcome {
    if (this.aborted) return 'aborted';
    return this.succeededCount === this.graph.names.length ? 'completed' : 'failed';
  }

  private settle(name: string, result: number): number {
    const i = this.graph.indexOf.get(name);
    if (i === undefined || this.progress[i] !== running) throw new Error(`stack "${name}" is not running, so it cannot have a result`);
    this.progress[i] = result;
    this.runningCount -= 1;
    this.settledCount += 1;
    return i;
  }

  /** Inserts into the descending ready list: binary search, so a large graph costs no rescan. */
  private makeReady(i: number): void {
    let low = 0;
    let high = this.ready.length;
    while (low < high) {
      const mid = (low + high) >>> 1;
      if (this.ready[mid]! > i) low = mid + 1;
      else high = mid;
    }
    this.ready.splice(low, 0, i);
  }
}
