// The page around the charts: one self-contained HTML file (styles inline, no script, nothing fetched).
import { esc } from './svg.ts';

const STYLE = `body{font-family:system-ui,sans-serif;max-width:900px;margin:2em auto;padding:0 1em;color:#222;line-height:1.4}
h1{font-size:1.5em;margin-bottom:.2em}h2{font-size:1.15em;margin-top:2em;border-bottom:1px solid #ddd;padding-bottom:.2em}
figure{margin:1.2em 0}figcaption{font-weight:600;margin-bottom:.4em}svg{max-width:100%;height:auto}
table{border-collapse:collapse;margin:.6em 0;font-size:.92em}td,th{padding:3px 10px;text-align:left;border-bottom:1px solid #eee;vertical-align:top}
td.n,th.n{text-align:right;font-variant-numeric:tabular-nums}.tag{background:#fde7c7;padding:1px 6px;border-radius:3px}
.ok{color:#1e7b45}.bad{color:#b03a2e}.note{color:#555;font-size:.9em}code{background:#f4f4f4;padding:1px 4px;border-radius:3px;font-size:.9em}
tr.front td:first-child{border-left:3px solid #3aa66a}tr.recommended{background:#fff4e5}details{font-size:.9em;color:#444}`;

export function page(title: string, body: string, footer: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(title)}</title>
<style>${STYLE}</style>
</head><body>
${body}
<p class="note">${footer}</p>
</body></html>
`;
}
