import { buildGraph, levels } from '../dag/index.js';
import { phase } from '../workflows/state.js';
import type { RunTimeline, StackAttempt } from './timeline.js';

/** The phases that deploy and delete stacks. */
const [deployPhase, deletePhase] = [phase(2).name, phase(4).name];

export interface GanttBar {
  /** `stack action attempt`, e.g. `ingress deploy 2`. */
  label: string;
  /** Epoch milliseconds. */
  start: number;
  end: number;
  result: StackAttempt['result'];
}

/** The run's schedule, format-neutral: Markdown draws it with Mermaid, HTML as an SVG (ganttSvg.ts). */
export interface GanttChart {
  title: string;
  /** One section per phase and DAG level, in the order the run first entered it. */
  sections: { name: string; bars: GanttBar[] }[];
}

/** One section per phase and DAG level, one bar per stack attempt; a bar still open ends with the run (or where it began). */
export function ganttChart(timeline: RunTimeline): GanttChart {
  const levelOf = new Map<string, number>();
  levels(buildGraph(timeline.stacks)).forEach((names, level) => names.forEach((name) => levelOf.set(name, level)));

  const sections = new Map<string, GanttBar[]>();
  for (const a of timeline.attempts) {
    const section = `${a.action === 'deploy' ? deployPhase : deletePhase}, level ${levelOf.get(a.stack) ?? '?'}`;
    const bar = { label: `${a.stack} ${a.action} ${a.attempt}`, start: a.start, end: a.end ?? timeline.end ?? a.start, result: a.result };
    sections.set(section, [...(sections.get(section) ?? []), bar]);
  }
  return {
    title: `${timeline.platform} in ${timeline.environment} (${timeline.workflowId})`,
    sections: [...sections].map(([name, bars]) => ({ name, bars })),
  };
}

/** Mermaid's gantt grammar ends a task name at ':' and a statement at ';' or '#'; keep text to safe characters. */
function mermaidText(text: string): string {
  return text.replace(/[:;#\n\r]+/g, ' ').trim();
}

const tags: Record<StackAttempt['result'], string> = { failed: 'crit, ', succeeded: 'done, ', running: 'active, ', cancelled: '' };

/** The chart in Mermaid's gantt grammar, failed attempts marked `crit`. Times are epoch milliseconds (`dateFormat x`). */
export function mermaidGantt(chart: GanttChart): string {
  const lines = ['gantt', `    title ${mermaidText(chart.title)}`, '    dateFormat x', '    axisFormat %H:%M:%S'];
  let id = 0;
  for (const section of chart.sections) {
    lines.push(`    section ${mermaidText(section.name)}`);
    for (const bar of section.bars) lines.push(`    ${mermaidText(bar.label)} :${tags[bar.result]}a${++id}, ${bar.start}, ${bar.end}`);
  }
  return lines.join('\n');
}
