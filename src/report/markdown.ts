import { mermaidGantt } from './gantt.js';
import type { IncidentReport, ReportTable } from './incident.js';

/** Table cells stay on one line, keep their pipes, and never turn into HTML when the Markdown is rendered. */
function cell(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
}

function table(t: ReportTable): string[] {
  if (t.rows.length === 0) return [`## ${t.heading}`, '', t.empty, ''];
  return [
    `## ${t.heading}`,
    '',
    `| ${t.columns.map(cell).join(' | ')} |`,
    `|${t.columns.map(() => ' --- |').join('')}`,
    ...t.rows.map((row) => `| ${row.map(cell).join(' | ')} |`),
    '',
    ...(t.footer ? [cell(t.footer), ''] : []),
  ];
}

/** The incident report as Markdown: tables people can read as text, and a Mermaid gantt that renders on GitHub. */
export function renderMarkdown(report: IncidentReport): string {
  const lines = [`# ${cell(report.title)}`, '', ...report.facts.map(([label, value]) => `- ${label}: ${cell(value)}`), ''];
  for (const t of report.tables) lines.push(...table(t));
  if (report.gantt !== null) lines.push('## Gantt chart', '', '```mermaid', mermaidGantt(report.gantt), '```', '');
  return lines.join('\n');
}
