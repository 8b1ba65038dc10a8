import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { retryAttemptsWithin, temporalRetryMs } from '../../src/worker/connection.js';

describe("the client's retry while Temporal does not answer", () => {
  it('retries for 120 s by default, beyond the SDK default of 10 attempts', () => {
    assert.equal(temporalRetryMs({}), 120_000);
    assert.ok(retryAttemptsWithin(120_000) > 10);
  });

  it('fills the window with backoff of at most 5 s per attempt', () => {
    const attempts = retryAttemptsWithin(60_000);
    let waited = 0;
    for (let attempt = 1; attempt < attempts; attempt++) waited += Math.min(5_000, 100 * 1.7 ** attempt);
    assert.ok(waited >= 60_000 && waited < 65_000, `waited ${waited} ms over ${attempts} attempts`);
  });

  it('refuses a setting that is not a whole number of seconds, naming the variable', () => {
    assert.throws(() => temporalRetryMs({ BATON_TEMPORAL_RETRY_SECONDS: 'soon' }), /BATON_TEMPORAL_RETRY_SECONDS=soon: a whole number/);
  });
});
