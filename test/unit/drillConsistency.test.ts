import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { deployProgress, inconsistencies, teardownProgress } from '../../drills/consistency.js';
import { phase, type LifecycleState, type StackStatus } from '../../src/workflows/state.js';

/** A sample of the state query: the run's phase and its stacks' statuses. */
function sample(phaseNumber: 0 | 1 | 2 | 3 | 4, stacks: Record<string, StackStatus>): LifecycleState {
  return {
    phase: phase(phaseNumber),
    stacks: Object.entries(stacks).map(([name, status]) => ({ name, status })),
  } as unknown as LifecycleState;
}

describe("the drill's consistency check of state samples", () => {
  const deploy = deployProgress(['a', 'b']);
  const cases: { name: string; samples: (LifecycleState | undefined)[]; expected: typeof deploy; found: RegExp[] }[] = [
    {
      name: 'a change that moves forward, with a gap while Temporal was away',
      samples: [
        sample(3, { old: 'healthy' }),
        sample(2, { a: 'pending', b: 'pending', old: 'healthy' }),
        undefined,
        sample(2, { a: 'healthy', b: 'deploying', old: 'deleting' }),
        sample(3, { a: 'healthy', b: 'healthy' }),
      ],
      expected: deploy,
      found: [],
    },
    {
      name: 'a healthy stack that goes back to deploying',
      samples: [sample(2, { a: 'healthy', b: 'pending' }), sample(2, { a: 'deploying', b: 'pending' })],
      expected: deploy,
      found: [/stack a went back from healthy to deploying/],
    },
    {
      name: 'a stack that vanishes',
      samples: [sample(2, { a: 'healthy', b: 'pending' }), sample(2, { b: 'pending' })],
      expected: deploy,
      found: [/stack a is gone/],
    },
    {
      name: 'a failed stack',
      samples: [sample(2, { a: 'failed', b: 'pending' })],
      expected: deploy,
      found: [/stack a is failed, not one of pending, deploying, healthy/],
    },
    {
      name: 'the phase going back to orchestration after the change',
      samples: [
        sample(3, {}),
        sample(2, { a: 'pending', b: 'pending' }),
        sample(3, { a: 'healthy', b: 'healthy' }),
        sample(2, { a: 'healthy', b: 'healthy' }),
      ],
      expected: deploy,
      found: [/sample 4: phase 2 after 3 → 2 → 3/],
    },
    {
      name: 'a stack listed twice',
      samples: [{ ...sample(2, { a: 'pending' }), stacks: [...sample(2, { a: 'pending' }).stacks, ...sample(2, { a: 'pending' }).stacks] }],
      expected: deploy,
      found: [/listed twice/],
    },
    {
      name: 'a teardown that deletes in order',
      samples: [
        sample(3, { a: 'healthy', b: 'healthy' }),
        sample(4, { a: 'healthy', b: 'deleting' }),
        sample(4, { a: 'deleted', b: 'deleted' }),
      ],
      expected: teardownProgress(['a', 'b']),
      found: [],
    },
    {
      name: 'a deleted stack coming back',
      samples: [sample(4, { a: 'deleted', b: 'deleted' }), sample(4, { a: 'healthy', b: 'deleted' })],
      expected: teardownProgress(['a', 'b']),
      found: [/stack a went back from deleted to healthy/],
    },
  ];
  for (const c of cases)
    it(c.name, () => {
      const found = inconsistencies(c.samples, c.expected);
      assert.equal(found.length, c.found.length, found.join('\n'));
      c.found.forEach((pattern, i) => assert.match(found[i]!, pattern));
    });
});
