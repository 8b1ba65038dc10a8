import { escapeHtml } from './escapeHtml.js';
import { ganttSvg } from './ganttSvg.js';
import type { IncidentReport, ReportTable } from './incident.js';

function table(t: ReportTable): string {
  const heading = `<h2>${escapeHtml(t.heading)}</h2>`;
  if (t.rows.length === 0) return `${heading}\n<p>${escapeHtml(t.empty)}</p>`;
  const head = `<tr>${t.columns.map((c) => `<th>${escapeHtml(c)}</th>`).join('')}</tr>`;
  const body = t.rows.map((row) => `<tr>${row.map((c) => `<td>${escapeHtml(c)}</td>`).join('')}</tr>`).join('\n');
  const footer = t.footer ? `\n<p>${escapeHtml(t.footer)}</p>` : '';
  return `${heading}\n<table>\n<thead>${head}</thead>\n<tbody>\n${body}\n</tbody>\n</table>${footer}`;
}

const style = `
body { font-family: system-ui, sans-serif; margin: 2rem; color: #1f2328; }
table { border-collapse: collapse; margin-bottom: 1rem; }
th, td { border: 1px solid #d0d7de; padding: 0.25rem 0.5rem; text-align: left; vertical-align: top; font-size: 0.9rem; }
th { background: #f6f8fa; }
pre { background: #f6f8fa; padding: 1rem; overflow-x: auto; }
`;

/**
 * The incident report as one HTML page that reads without scripts or network: the gantt is an inline SVG.
 */
export function renderHtml(report: IncidentReport): string {
  const facts = report.facts.map(([label, value]) => `<dt>${escapeHtml(label)}</dt><dd>${escapeHtml(value)}</dd>`).join('\n');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>${escapeHtml(report.title)}</title>
<style>${style}</style>
</head>
<body>
<h1>${escapeHtml(report.title)}</h1>
<dl>
${facts}
</dl>
${report.tables.map(table).join('\n')}
${report.gantt === null ? '' : `<h2>Gantt chart</h2>\n${ganttSvg(report.gantt)}`}
</body>
</html>
`;
}
