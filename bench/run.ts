/**
 * Baton's benchmarks: prints a table for people and the same figures as JSON.
 * Targets: 10,000 stacks with 30,000 edges loaded, validated and planned in under 1 s.
 */
import { measurePlanning } from './planning.js';

const planning = [
  { stacks: 1_000, fanIn: 3 },
  { stacks: 10_000, fanIn: 3 },
].map(({ stacks, fanIn }) => measurePlanning(stacks, fanIn, 5));

const target = planning.find((p) => p.stacks === 10_000)!;
console.log('Spec load + validate + plan (in process, best of 5)');
console.table(planning);
console.log(`10,000 stacks / ${target.edges} edges: ${target.totalMs} ms (target < 1000 ms: ${target.totalMs < 1000 ? 'met' : 'NOT met'})`);
console.log(JSON.stringify({ planning, targets: { plan10kUnder1s: target.totalMs < 1000 } }, null, 2));
