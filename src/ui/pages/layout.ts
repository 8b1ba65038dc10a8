import { escapeHtml } from '../../report/escapeHtml.js';

const style = `
body { font-family: system-ui, sans-serif; margin: 0; color: #1f2328; background: #f6f8fa; }
header { background: #24292f; color: #fff; padding: 0.6rem 1.5rem; display: flex; gap: 1.5rem; align-items: baseline; }
header a { color: #fff; text-decoration: none; } header strong { font-size: 1.1rem; }
main { padding: 1rem 1.5rem; }
section { background: #fff; border: 1px solid #d0d7de; border-radius: 6px; padding: 0.75rem 1rem; margin-bottom: 1rem; overflow-x: auto; }
h1 { font-size: 1.3rem; } h2 { font-size: 1rem; margin-top: 0; }
table { border-collapse: collapse; } th, td { border-bottom: 1px solid #d0d7de; padding: 0.3rem 0.6rem; text-align: left; font-size: 0.85rem; vertical-align: top; }
.phases { display: flex; gap: 0.3rem; } .phases li { list-style: none; padding: 0.4rem 0.8rem; border-radius: 4px; background: #eaeef2; }
.phases li.done { background: #dafbe1; } .phases li.current { background: #0969da; color: #fff; font-weight: 600; }
.ledger li.rejected { color: #cf222e; } .muted { color: #57606a; }
.passed { color: #1a7f37; } .unmet { color: #cf222e; } .promotion { border-left: 4px solid #0969da; }
.pipeline td.deployed { background: #ddf4ff; } .pipeline td.verified { background: #dafbe1; }
button { padding: 0.35rem 0.9rem; margin-right: 0.4rem; cursor: pointer; } button.danger { border-color: #cf222e; color: #cf222e; }
#result.refused { color: #cf222e; } #result.accepted { color: #1a7f37; }
dialog label { display: block; margin: 0.4rem 0; } dialog input { width: 18rem; }
`;

/** A page of the web view: everything inline or from this server, nothing from the network. */
export function page(title: string, body: string, options: { script?: boolean } = {}): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>${escapeHtml(title)} · Baton</title>
<style>${style}</style>
${options.script ? '<script type="module" src="/assets/page.js"></script>' : ''}
</head>
<body>
<header><strong>Baton</strong><a href="/">Platforms</a><a href="/promotions">Promotions</a></header>
<main>
${body}
</main>
</body>
</html>
`;
}

/** Where a platform's promotions page is. */
export function promotionsLink(platform: string): string {
  return `/promotions?platform=${encodeURIComponent(platform)}`;
}

/** A table of plain text cells (escaped here), or the sentence said when it has no rows. */
export function textTable(columns: string[], rows: string[][], empty: string): string {
  if (rows.length === 0) return `<p class="muted">${escapeHtml(empty)}</p>`;
  const head = columns.map((c) => `<th>${escapeHtml(c)}</th>`).join('');
  return `<table><thead><tr>${head}</tr></thead><tbody>${rows.map((r) => `<tr>${r.map((c) => `<td>${escapeHtml(c)}</td>`).join('')}</tr>`).join('')}</tbody></table>`;
}
