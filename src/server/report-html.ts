/**
 * The HTML report (`GET /report`): per experience a table and an inline SVG chart of each goal's
 * rate with its 95% interval per variant; the program view below. Static HTML and CSS only, no
 * script, so it reads the same with JavaScript off. Every string from the store is escaped.
 */
import type { Manifest } from '../manifest/types';
import type { ExperienceReport, GoalStats, Report } from './stats';

const esc = (s: unknown) =>
  String(s).replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!,
  );

export const pct = (x: number | null | undefined, digits = 2) =>
  x === null || x === undefined || !Number.isFinite(x) ? '–' : `${(x * 100).toFixed(digits)}%`;
export const signedPct = (x: number | null | undefined) =>
  x === null || x === undefined ? '–' : `${x >= 0 ? '+' : ''}${(x * 100).toFixed(1)}%`;
export const interval = (ci: [number, number] | null, f: (x: number) => string) =>
  ci ? `[${f(ci[0])}, ${f(ci[1])}]` : '–';
export const pValue = (p: number | null) => (p === null ? '–' : p < 0.0001 ? '<0.0001' : p.toFixed(4));

const STYLE = `body{font:15px/1.45 system-ui,sans-serif;margin:2rem auto;max-width:64rem;padding:0 1rem;color:#1b1f24}
h1{font-size:1.5rem}h2{font-size:1.2rem;margin-top:2.2rem}table{border-collapse:collapse;margin:.6rem 0;width:100%}
th,td{border-bottom:1px solid #d0d7de;padding:.3rem .5rem;text-align:right;font-variant-numeric:tabular-nums}
th:first-child,td:first-child{text-align:left}.flag{color:#b42318;font-weight:600}.ok{color:#1a7f37}
.sig{font-weight:600}.muted{color:#59636e}svg{display:block;margin:.4rem 0 1rem}`;

function page(title: string, body: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><title>${esc(title)}</title><style>${STYLE}</style></head><body>${body}</body></html>`;
}

/** A horizontal chart: one row per variant, a dot at the rate and a bar over its 95% interval. */
export function chart(e: ExperienceReport, goal: string): string {
  const rows = e.variants.map((v) => ({ id: v.id, g: v.goals[goal] as GoalStats | undefined }));
  // 10% headroom past the highest interval end, but a rate axis never goes past 100%.
  const max = Math.min(1, Math.max(0.0001, ...rows.map((r) => r.g?.ci?.[1] ?? r.g?.rate ?? 0)) * 1.1);
  const left = 130;
  const width = 460;
  const rowH = 26;
  const h = rows.length * rowH + 28;
  const x = (v: number) => (left + (v / max) * width).toFixed(1);
  const parts = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${left + width + 70}" height="${h}" role="img" aria-label="${esc(`${goal}: conversion rate and 95% interval per variant`)}">`,
    `<title>${esc(`${e.id} · ${goal}: conversion rate and 95% interval per variant`)}</title>`,
  ];
  rows.forEach((r, i) => {
    const y = i * rowH + 16;
    parts.push(`<text x="${left - 8}" y="${y + 4}" text-anchor="end" font-size="12">${esc(r.id)}</text>`);
    if (r.g?.ci) {
      const color = r.id === e.baseline ? '#59636e' : '#0969da';
      parts.push(
        `<line x1="${x(r.g.ci[0])}" x2="${x(r.g.ci[1])}" y1="${y}" y2="${y}" stroke="${color}" stroke-width="3"/>`,
        `<circle cx="${x(r.g.rate ?? 0)}" cy="${y}" r="4.5" fill="${color}"/>`,
        `<text x="${Number(x(r.g.ci[1])) + 6}" y="${y + 4}" font-size="11" fill="#59636e">${pct(r.g.rate)}</text>`,
      );
    } else parts.push(`<text x="${left}" y="${y + 4}" font-size="11" fill="#59636e">no exposures</text>`);
  });
  const axisY = rows.length * rowH + 6;
  parts.push(`<line x1="${left}" x2="${left + width}" y1="${axisY}" y2="${axisY}" stroke="#d0d7de"/>`);
  for (let t = 0; t <= 4; t++) {
    const v = (max * t) / 4;
    parts.push(
      `<text x="${x(v)}" y="${axisY + 16}" text-anchor="middle" font-size="10" fill="#59636e">${pct(v, 1)}</text>`,
    );
  }
  parts.push('</svg>');
  return parts.join('');
}

function experienceSection(e: ExperienceReport, name: string | undefined): string {
  const goals = Object.keys(e.variants[0]?.goals || {});
  const srm =
    e.srm.p === null
      ? '<span class="muted">sample ratio: not enough arms to check</span>'
      : e.srm.flagged
        ? `<span class="flag">Sample ratio mismatch (p = ${pValue(e.srm.p)}): the split of visitors differs from the configured weights; do not trust these results until the cause is found.</span>`
        : `<span class="ok">Sample ratio OK (p = ${pValue(e.srm.p)})</span>`;
  const head = `<tr><th>variant</th><th>exposed</th>${goals.length ? '<th>goal</th><th>converted</th><th>rate</th><th>95% interval</th><th>uplift</th><th>uplift 95% interval</th><th>p</th>' : ''}</tr>`;
  const body = e.variants
    .map((v) => {
      if (!goals.length) return `<tr><td>${esc(v.id)}</td><td>${v.exposed}</td></tr>`;
      return goals
        .map((g, i) => {
          const s = v.goals[g]!;
          const sig = s.p !== null && s.p < 0.05 ? ' class="sig"' : '';
          return `<tr>${i ? '<td></td><td></td>' : `<td>${esc(v.id)}${v.id === e.baseline ? ' <span class="muted">(baseline)</span>' : ''}</td><td>${v.exposed}</td>`}<td>${esc(g)}</td><td>${s.converted}</td><td>${pct(s.rate)}</td><td>${interval(s.ci, (x) => pct(x))}</td><td${sig}>${signedPct(s.uplift)}</td><td>${interval(s.upliftCi, signedPct)}</td><td${sig}>${pValue(s.p)}</td></tr>`;
        })
        .join('');
    })
    .join('');
  const charts = goals.map((g) => `<h3>${esc(g)}: conversion rate, 95% interval</h3>${chart(e, g)}`).join('');
  return `<section><h2>${esc(name ? `${name} (${e.id})` : e.id)}</h2><p>${srm}</p><table><thead>${head}</thead><tbody>${body}</tbody></table>${charts}</section>`;
}

/** The report page of one site; `query` (`&token=…`) is appended to its links. */
export function renderReport(r: Report, manifest?: Manifest | null, query = ''): string {
  const names = new Map(
    (manifest?.site === r.site ? manifest.experiences || [] : []).map((e) => [e.id, e.name]),
  );
  const { personalized, holdout } = r.program;
  const goals = Object.keys(personalized.goals);
  const program = `<section><h2>Program: personalized visitors vs the global holdout</h2><table><thead><tr><th>group</th><th>visitors</th>${goals.map((g) => `<th>${esc(g)}</th>`).join('')}</tr></thead><tbody>${[
    ['personalized', personalized],
    ['global holdout', holdout],
  ]
    .map(
      ([label, g]) =>
        `<tr><td>${label}</td><td>${(g as typeof holdout).visitors}</td>${goals
          .map((goal) => {
            const s = (g as typeof holdout).goals[goal]!;
            return `<td>${s.converted} (${pct(s.rate)})</td>`;
          })
          .join('')}</tr>`,
    )
    .join('')}</tbody></table></section>`;
  const experiences = r.experiences.length
    ? r.experiences.map((e) => experienceSection(e, names.get(e.id))).join('')
    : '<p class="muted">No exposures stored for this site yet.</p>';
  return page(
    `Tailor report: ${r.site}`,
    `<h1>Tailor report: ${esc(r.site)}</h1><p class="muted">Generated ${esc(new Date(r.generated).toISOString())}. Rates are converting visitors over distinct exposed visitors, with Wilson 95% intervals; uplift is relative to the baseline (control, else holdout, else global holdout) with a 95% interval from the log rate ratio; p is a two-sided pooled two-proportion z-test; the sample-ratio check is a chi-square against the configured weights (flagged below p = 0.001). JSON: <a href="/api/report?site=${encodeURIComponent(r.site)}${esc(query)}">/api/report</a>.</p>${experiences}${program}`,
  );
}

/** The page shown when no site was chosen and the store holds zero or several; `query` as above. */
export function renderSiteList(sites: string[], query = ''): string {
  return page(
    'Tailor report',
    `<h1>Tailor report</h1>${
      sites.length
        ? `<p>Choose a site:</p><ul>${sites.map((s) => `<li><a href="/report?site=${encodeURIComponent(s)}${esc(query)}">${esc(s)}</a></li>`).join('')}</ul>`
        : '<p class="muted">No events stored yet. Point a manifest\'s <code>endpoint</code> at <code>/collect</code> on this server.</p>'
    }`,
  );
}
