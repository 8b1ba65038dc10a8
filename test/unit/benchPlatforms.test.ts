import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { benchPlatforms, chain, fanOut, lattice, randomDag, shapeOf } from '../../bench/platforms.js';
import { validatePlatformSpec } from '../../src/spec/index.js';

describe("the bench's synthetic platforms", () => {
  it('have the sizes and levels their names say', () => {
    const shapes = [chain(20), fanOut(100), lattice(10, 10)].map((p) => [p.stacks.length, shapeOf(p).levels.length]);
    assert.deepEqual(shapes, [
      [20, 20],
      [100, 2],
      [100, 10],
    ]);
  });

  it('bound a chain by the sum of its delays, a fan-out by its root and slowest leaf', () => {
    const c = chain(20);
    assert.equal(
      shapeOf(c).boundMs,
      c.stacks.reduce((sum, s) => sum + s.readyAfterS * 1000, 0),
    );
    const f = fanOut(100);
    assert.equal(shapeOf(f).boundMs, (f.stacks[0]!.readyAfterS + Math.max(...f.stacks.slice(1).map((s) => s.readyAfterS))) * 1000);
  });

  it('are the same on every run (seeded) and valid platform specs', () => {
    assert.deepEqual(randomDag(200, 200), randomDag(200, 200));
    for (const p of benchPlatforms(false)) {
      const result = validatePlatformSpec({
        apiVersion: 'baton/v1alpha1',
        kind: 'Platform',
        metadata: { name: p.name },
        spec: { source: { repoURL: 'file:///srv/platform.git' }, stacks: p.stacks.map(({ name, dependsOn }) => ({ name, dependsOn })) },
      });
      assert.ok(result.ok, p.name);
    }
  });
});
