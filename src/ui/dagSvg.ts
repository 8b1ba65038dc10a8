import { buildGraph, levels } from '../dag/index.js';
import { escapeHtml } from '../report/escapeHtml.js';
import type { StackState, StackStatus } from '../workflows/state.js';

export const statusColours: Record<StackStatus, string> = {
  pending: '#8c959f',
  deploying: '#0969da',
  healthy: '#2da44e',
  failed: '#cf222e',
  blocked: '#bf8700',
  aborted: '#6e7781',
  deleting: '#8250df',
  deleted: '#d0d7de',
};

const [nodeWidth, nodeHeight, columnGap, rowGap, margin] = [200, 64, 70, 18, 12];

/**
 * The dependency DAG laid out by level, left to right: a column per level, a box per stack coloured by its
 * status with its attempts and live Argo CD status, an edge from each dependency.
 */
export function dagSvg(stacks: StackState[]): string {
  const columns = levels(buildGraph(stacks));
  const at = new Map<string, { x: number; y: number }>();
  columns.forEach((names, level) =>
    names.forEach((name, row) => at.set(name, { x: margin + level * (nodeWidth + columnGap), y: margin + row * (nodeHeight + rowGap) })),
  );
  const edges = stacks.flatMap((stack) =>
    stack.dependsOn.map((dep) => {
      const [from, to] = [at.get(dep)!, at.get(stack.name)!];
      const [x1, y1, x2, y2] = [from.x + nodeWidth, from.y + nodeHeight / 2, to.x, to.y + nodeHeight / 2];
      const mid = (x1 + x2) / 2;
      return `<path d="M${x1},${y1} C${mid},${y1} ${mid},${y2} ${x2},${y2}" fill="none" stroke="#8c959f" marker-end="url(#arrow)"/>`;
    }),
  );
  const nodes = stacks.map((stack) => {
    const { x, y } = at.get(stack.name)!;
    const live = stack.live ? `${stack.live.health}/${stack.live.sync}` : 'no live status yet';
    const title = [
      `${stack.name}: ${stack.status}`,
      `attempts ${stack.attempts}`,
      stack.startedAt && `started ${stack.startedAt}`,
      stack.healthyAt && `healthy ${stack.healthyAt}`,
      stack.message,
    ]
      .filter(Boolean)
      .join('\n');
    return `<g class="stack" data-stack="${escapeHtml(stack.name)}" data-status="${stack.status}" transform="translate(${x},${y})"><title>${escapeHtml(title)}</title>
<rect width="${nodeWidth}" height="${nodeHeight}" rx="6" fill="#fff" stroke="${statusColours[stack.status]}" stroke-width="3"/>
<rect width="8" height="${nodeHeight}" rx="3" fill="${statusColours[stack.status]}"/>
<text x="16" y="20" font-weight="600">${escapeHtml(stack.name)}</text>
<text x="16" y="38" class="status">${stack.status} · attempt ${stack.attempts}</text>
<text x="16" y="54" class="live">${escapeHtml(live)}</text></g>`;
  });
  const rows = Math.max(...columns.map((c) => c.length), 1);
  const [width, height] = [
    margin * 2 + columns.length * (nodeWidth + columnGap) - columnGap,
    margin * 2 + rows * (nodeHeight + rowGap) - rowGap,
  ];
  return `<svg class="dag" role="img" aria-label="stack dependency graph" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" font-size="12">
<defs><marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto"><path d="M0,0 L10,5 L0,10 z" fill="#8c959f"/></marker></defs>
${edges.join('\n')}
${nodes.join('\n')}
</svg>`;
}
