import { buildGraph, levels } from '../dag/index.js';
import { phase } from '../workflows/state.js';
import type { RunTimeline, StackAttempt } from './timeline.js';

/** The phases that deploy and delete stacks. */
const [deployPhase, deletePhase] = [phase(2).name, phase(4).name];

/** Mermaid's gantt grammar ends a task name at ':' and a statement at ';' or '#'; keep text to safe characters. */
function ganttText(text: string): string {
  return text.replace(/[:;#\n\r]+/g, ' ').trim();
}

const tags: Record<StackAttempt['result'], string> = { failed: 'crit, ', succeeded: 'done, ', running: 'active, ', cancelled: '' };

/**
 * A Mermaid gantt chart of the run: one section per phase and DAG level, one bar per
 * stack attempt, failed attempts marked `crit`. Times are epoch milliseconds (`dateFormat x`).
 */
export function ganttChart(timeline: RunTimeline): string {
  const levelOf = new Map<string, number>();
  levels(buildGraph(timeline.stacks)).forEach((names, level) => names.forEach((name) => levelOf.set(name, level)));

  const sections = new Map<string, StackAttempt[]>();
  for (const attempt of timeline.attempts) {
    const section = `${attempt.action === 'deploy' ? deployPhase : deletePhase}, level ${levelOf.get(attempt.stack) ?? '?'}`;
    sections.set(section, [...(sections.get(section) ?? []), attempt]);
  }

  const lines = [
    'gantt',
    `    title ${ganttText(`${timeline.platform} in ${timeline.environment} (${timeline.workflowId})`)}`,
    '    dateFormat x',
    '    axisFormat %H:%M:%S',
  ];
  let id = 0;
  for (const [section, attempts] of sections) {
    lines.push(`    section ${ganttText(section)}`);
    for (const a of attempts) {
      const name = ganttText(`${a.stack} ${a.action} ${a.attempt}`);
      const end = a.end ?? timeline.end ?? a.start;
      lines.push(`    ${name} :${tags[a.result]}a${++id}, ${a.start}, ${end}`);
    }
  }
  return lines.join('\n');
}
