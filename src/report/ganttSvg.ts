import { formatDuration } from '../spec/duration.js';
import type { GanttBar, GanttChart } from './gantt.js';
import { escapeHtml } from './escapeHtml.js';

/** Colours by result, readable on white and told apart without colour by the bar's title. */
export const barColours: Record<GanttBar['result'], string> = {
  succeeded: '#2da44e',
  failed: '#cf222e',
  running: '#0969da',
  cancelled: '#8c959f',
};

const [labelWidth, chartWidth, rowHeight, sectionHeight, axisHeight] = [260, 640, 22, 24, 28];

/** Clock time of an epoch ms in UTC, as the report's tables give it. */
function clock(ms: number): string {
  return new Date(ms).toISOString().slice(11, 19);
}

/**
 * The chart as one inline SVG: a row per stack attempt under its section, the x axis the run's time. Drawn by
 * Baton so the report needs no script and no network.
 */
export function ganttSvg(chart: GanttChart): string {
  const bars = chart.sections.flatMap((s) => s.bars);
  if (bars.length === 0) return '<p>No stack attempt to draw.</p>';
  const [from, to] = [Math.min(...bars.map((b) => b.start)), Math.max(...bars.map((b) => b.end))];
  const span = Math.max(to - from, 1);
  const x = (ms: number) => labelWidth + ((ms - from) / span) * chartWidth;
  const parts: string[] = [];
  let y = axisHeight;
  for (const section of chart.sections) {
    parts.push(`<text class="section" x="4" y="${y + 16}">${escapeHtml(section.name)}</text>`);
    y += sectionHeight;
    for (const bar of section.bars) {
      const width = Math.max(x(bar.end) - x(bar.start), 2);
      const title = `${bar.label}: ${bar.result}, ${clock(bar.start)} to ${clock(bar.end)} (${formatDuration(bar.end - bar.start)})`;
      parts.push(
        `<g class="bar ${bar.result}"><title>${escapeHtml(title)}</title>` +
          `<text x="16" y="${y + 15}">${escapeHtml(bar.label)}</text>` +
          `<rect x="${x(bar.start).toFixed(1)}" y="${y + 3}" width="${width.toFixed(1)}" height="${rowHeight - 6}" rx="3" fill="${barColours[bar.result]}"/></g>`,
      );
      y += rowHeight;
    }
  }
  const ticks = [0, 0.25, 0.5, 0.75, 1].map((f) => {
    const tx = labelWidth + f * chartWidth;
    return `<line x1="${tx}" y1="${axisHeight - 6}" x2="${tx}" y2="${y}" stroke="#d0d7de"/><text class="tick" x="${tx}" y="${axisHeight - 10}" text-anchor="middle">${clock(from + f * span)}</text>`;
  });
  const [width, height] = [labelWidth + chartWidth + 40, y + 8];
  return `<svg class="gantt" role="img" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" font-family="system-ui, sans-serif" font-size="12">
<title>${escapeHtml(chart.title)}</title>
<style>.section { font-weight: 600; } .tick { fill: #57606a; font-size: 11px; }</style>
${ticks.join('\n')}
${parts.join('\n')}
</svg>`;
}
