import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { clusterPortStep, shiftedPorts } from '../../src/sandbox/config.js';
import { portShifts } from '../support/sandbox.js';

/** The most clusters a test's sandbox has: the hub and two more. */
const clustersPerSandbox = 3;

function portsAt(shift: number): Set<number> {
  const hub = Object.values(shiftedPorts(shift)).map(Number);
  return new Set(Array.from({ length: clustersPerSandbox }, (_, i) => hub.map((port) => port + clusterPortStep * i)).flat());
}

function shared(a: number, b: number): number[] {
  const other = portsAt(b);
  return [...portsAt(a)].filter((port) => other.has(port));
}

describe("the tests' sandbox ports", () => {
  const endToEnd = Object.entries(portShifts.endToEnd);
  const beside = [['integrationSandbox', portShifts.integrationSandbox] as const, ...Object.entries(portShifts.integration)];

  it('never meet between the end-to-end run and the run beside it', () => {
    for (const [e2eName, e2eShift] of endToEnd) {
      for (const [name, shift] of beside) assert.deepEqual(shared(e2eShift, shift), [], `endToEnd.${e2eName} and ${name}`);
    }
  });

  it("never meet the integration sandbox's, which runs throughout", () => {
    for (const [name, shift] of Object.entries(portShifts.integration)) {
      assert.deepEqual(shared(portShifts.integrationSandbox, shift), [], name);
    }
  });

  it("never meet the demo's sandbox on the default ports, which make demo leaves running", () => {
    for (const [name, shift] of [...endToEnd, ...beside]) assert.deepEqual(shared(0, shift), [], name);
  });

  it("keep the spoke test's two sandboxes, which run together, apart", () => {
    assert.deepEqual(shared(portShifts.integration.spokeHub, portShifts.integration.spokeOnly), []);
  });

  it('stay below the ephemeral port range', () => {
    for (const [, shift] of [...endToEnd, ...beside]) assert.ok(Math.max(...portsAt(shift)) < 32_768, `shift ${shift}`);
  });
});
