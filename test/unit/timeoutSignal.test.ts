import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { timeoutSignal } from '../../src/activities/timeoutSignal.js';

// A long wait in a worker sees garbage collections; here they are forced.
setFlagsFromString('--expose-gc');
const collectGarbage = runInNewContext('gc') as () => void;

/** Whether `signal` aborts within `ms` while garbage is collected every 20 ms. */
async function abortsWithin(signal: AbortSignal, ms: number): Promise<boolean> {
  const started = Date.now();
  while (!signal.aborted && Date.now() - started < ms) {
    collectGarbage();
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return signal.aborted;
}

describe('timeoutSignal', () => {
  it('aborts a combined signal at its time although garbage is collected meanwhile', async () => {
    const combined = AbortSignal.any([timeoutSignal(200), new AbortController().signal]);
    assert.equal(await abortsWithin(combined, 2_000), true);
    assert.equal((combined.reason as DOMException).name, 'TimeoutError');
  });

  it('is needed: a combined AbortSignal.timeout never aborts once collected (Node 20)', async () => {
    const combined = AbortSignal.any([AbortSignal.timeout(200), new AbortController().signal]);
    assert.equal(
      await abortsWithin(combined, 1_000),
      false,
      `AbortSignal.timeout inside AbortSignal.any now aborts in ${process.version}: timeoutSignal is no longer needed`,
    );
  });
});
