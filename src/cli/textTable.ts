/** Rows as aligned columns for a terminal: each column as wide as its widest cell, two spaces between. */
export function textTable(rows: string[][], indent = ''): string[] {
  const widths = (rows[0] ?? []).map((_, col) => Math.max(...rows.map((row) => row[col]?.length ?? 0)));
  return rows.map((row) => `${indent}${row.map((cell, col) => cell.padEnd(widths[col]!)).join('  ')}`.trimEnd());
}
