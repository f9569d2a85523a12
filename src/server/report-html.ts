/**
 * The HTML report (`GET /report`): the summary lines first, then the program view (personalized
 * vs global holdout), then per experience a table of rates, a table of value (revenue) per
 * visitor when conversions carry one, and an inline SVG chart of each goal's rate with its 95%
 * interval per variant; notes on the numbers last. Tables scroll inside their own box and charts
 * scale with the page, so it reads on a phone. Static HTML and CSS only, no
 * script, so it reads the same with JavaScript off. Every string from the store is escaped.
 */
import type { Manifest } from '../manifest/types';
import type { ExperienceReport, GoalStats, Report } from './stats';

const esc = (s: unknown) =>
  String(s).replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!,
  );

/** When a report was made, to the second, in UTC: `2026-12-07 13:45:12 UTC`. */
export const generatedAt = (ms: number) => `${new Date(ms).toISOString().slice(0, 19).replace('T', ' ')} UTC`;

export const pct = (x: number | null | undefined, digits = 2) =>
  x === null || x === undefined || !Number.isFinite(x) ? '–' : `${(x * 100).toFixed(digits)}%`;
export const signedPct = (x: number | null | undefined) =>
  x === null || x === undefined ? '–' : `${x >= 0 ? '+' : ''}${(x * 100).toFixed(1)}%`;
export const interval = (ci: [number, number] | null, f: (x: number) => string) =>
  ci ? `[${f(ci[0])}, ${f(ci[1])}]` : '–';
export const pValue = (p: number | null) => (p === null ? '–' : p < 0.0001 ? '<0.0001' : p.toFixed(4));

/** Money-like value: two decimals, thousands separated (the unit is whatever the site sends). */
export const amount = (x: number | null | undefined) =>
  x === null || x === undefined || !Number.isFinite(x)
    ? '–'
    : x.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 });

/** What "–" stands for, on the page and in `tailor report`. */
export const DASH_NOTE =
  '– means there is no number to show. An uplift is relative to the baseline: when the baseline converts 0% (or its value per visitor is 0), any difference is infinitely many percent, so none is shown. An interval needs a conversion in both arms (rates) or two visitors (value); a p-value needs visitors in both arms. The baseline row shows – as it is not compared with itself.';

/** Why one uplift cell of `s` (a goal of a variant, or a program group) is "–". */
export function dashReason(
  s: GoalStats,
  isBaseline: boolean,
  base: GoalStats | undefined,
  value = false,
): string {
  if (isBaseline) return 'this is the baseline: the others are compared with it';
  if (!base) return 'no baseline to compare with';
  if (value ? !((base.valuePerVisitor ?? 0) > 0) : !((base.rate ?? 0) > 0))
    return value
      ? 'the baseline’s value per visitor is 0: a relative uplift is not defined'
      : 'the baseline’s rate is 0%: a relative uplift is not defined';
  if (value ? s.valuePerVisitor === null : s.rate === null) return 'no exposed visitors';
  return value
    ? 'needs at least two visitors in each arm and some spread in value'
    : 'needs a conversion in both arms';
}

/** A table cell; "–" gets the reason as its title, and the note at the bottom says more. */
const td = (text: string, why: string, cls = '') =>
  text === '–' ? `<td${cls}><abbr title="${esc(why)}">–</abbr></td>` : `<td${cls}>${text}</td>`;

const STYLE = `body{font:15px/1.45 system-ui,sans-serif;margin:2rem auto;max-width:72rem;padding:0 1rem;color:#1b1f24;overflow-wrap:anywhere}
h1{font-size:1.5rem}h2{font-size:1.2rem;margin-top:2.2rem}h3{font-size:1rem}
.scroll{overflow-x:auto;margin:.6rem 0;-webkit-overflow-scrolling:touch}
table{border-collapse:collapse;width:100%}
th,td{border-bottom:1px solid #d0d7de;padding:.3rem .45rem;text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap;overflow-wrap:normal}
th:first-child,td:first-child{text-align:left}.flag{color:#b42318;font-weight:600}.ok{color:#1a7f37}
.sig{font-weight:600}.muted{color:#59636e}abbr{text-decoration:none;cursor:help}sup a{text-decoration:none;margin-left:.1em}th.g,td.g{text-align:left}
.summary li{margin:.35rem 0}.summary .lead{font-weight:600}
svg{display:block;margin:.4rem 0 1rem;width:100%;max-width:600px;height:auto}
@media (max-width:40rem){body{margin:1rem auto;font-size:14px}h2{margin-top:1.6rem}th,td{padding:.25rem .3rem;font-size:13px}}`;

function page(title: string, body: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><title>${esc(title)}</title><style>${STYLE}</style></head><body>${body}</body></html>`;
}

/**
 * Round axis ticks from 0 to at least `max`: the step is 1, 2 or 5 × 10^k, the smallest that
 * needs at most 6 ticks (so 3 to 6 of them: 0%, 10%, 20%, …). A rate axis stops at 100%.
 */
export function niceTicks(max: number, cap = 1): number[] {
  const top = Math.min(cap, Math.max(max, 1e-4));
  let step = 10 ** Math.floor(Math.log10(top / 5));
  for (let i = 0; ; i++) {
    const s = step * [1, 2, 5][i % 3]! * 10 ** Math.floor(i / 3);
    if (Math.ceil(top / s - 1e-9) + 1 <= 6) {
      step = s;
      break;
    }
  }
  const n = Math.ceil(top / step - 1e-9);
  return Array.from({ length: n + 1 }, (_, i) => Number((i * step).toPrecision(12)));
}

/** Digits a percentage tick label needs for its step (10% → 0, 2.5% → 1, 0.2% → 1). */
const tickDigits = (step: number) => Math.max(0, Math.ceil(-Math.log10(step * 100) - 1e-9));

/** A horizontal chart: one row per variant, a dot at the rate and a bar over its 95% interval. */
export function chart(e: ExperienceReport, goal: string): string {
  const rows = e.variants.map((v) => ({ id: v.id, g: v.goals[goal] as GoalStats | undefined }));
  const ticks = niceTicks(Math.max(...rows.map((r) => r.g?.ci?.[1] ?? r.g?.rate ?? 0)));
  const max = ticks[ticks.length - 1]!;
  const digits = tickDigits(ticks[1]! - ticks[0]!);
  const left = 130;
  const width = 380;
  const rowH = 26;
  const h = rows.length * rowH + 28;
  const full = left + width + 70;
  const x = (v: number) => (left + (Math.min(v, max) / max) * width).toFixed(1);
  const parts = [
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${full} ${h}" width="${full}" height="${h}" preserveAspectRatio="xMinYMin meet" role="img" aria-label="${esc(`${goal}: conversion rate and 95% interval per variant`)}">`,
    `<title>${esc(`${e.id} · ${goal}: conversion rate and 95% interval per variant`)}</title>`,
  ];
  const axisY = rows.length * rowH + 6;
  for (const t of ticks)
    parts.push(
      `<line x1="${x(t)}" x2="${x(t)}" y1="4" y2="${axisY}" stroke="#eaeef2"/>`,
      `<text x="${x(t)}" y="${axisY + 16}" text-anchor="middle" font-size="10" fill="#59636e">${pct(t, digits)}</text>`,
    );
  parts.push(`<line x1="${left}" x2="${left + width}" y1="${axisY}" y2="${axisY}" stroke="#d0d7de"/>`);
  rows.forEach((r, i) => {
    const y = i * rowH + 16;
    // Long ids are cut to fit the label column (the table above has them in full).
    const label = r.id.length > 15 ? `${r.id.slice(0, 14)}…` : r.id;
    parts.push(`<text x="${left - 8}" y="${y + 4}" text-anchor="end" font-size="12">${esc(label)}</text>`);
    if (r.g?.ci) {
      const color = r.id === e.baseline ? '#59636e' : '#0969da';
      parts.push(
        `<line x1="${x(r.g.ci[0])}" x2="${x(r.g.ci[1])}" y1="${y}" y2="${y}" stroke="${color}" stroke-width="3"/>`,
        `<circle cx="${x(r.g.rate ?? 0)}" cy="${y}" r="4.5" fill="${color}"/>`,
        `<text x="${Number(x(r.g.ci[1])) + 6}" y="${y + 4}" font-size="11" fill="#59636e">${pct(r.g.rate)}</text>`,
      );
    } else parts.push(`<text x="${left}" y="${y + 4}" font-size="11" fill="#59636e">no exposures</text>`);
  });
  parts.push('</svg>');
  return parts.join('');
}

const scroll = (table: string) => `<div class="scroll">${table}</div>`;

/** Goals on which some arm has a value (revenue) recorded. */
export const valuedGoals = (arms: { goals: Record<string, GoalStats> }[], goals: string[]) =>
  goals.filter((g) => arms.some((a) => (a.goals[g]?.value ?? 0) !== 0));

/** Rows of rate statistics: one per arm and goal. */
function rateRows(
  arms: { label: string; n: number; goals: Record<string, GoalStats>; baseline: boolean }[],
  goals: string[],
): string {
  const base = arms.find((a) => a.baseline);
  return arms
    .map((a) =>
      goals
        .map((g, i) => {
          const s = a.goals[g]!;
          const sig = s.p !== null && s.p < 0.05 ? ' class="sig"' : '';
          const why = dashReason(s, a.baseline, base?.goals[g]);
          return `<tr>${i ? '<td></td><td></td>' : `<td>${a.label}${a.baseline ? ' <span class="muted">(baseline)</span>' : ''}</td><td>${a.n}</td>`}<td class="g">${esc(g)}</td><td>${s.converted}</td>${td(pct(s.rate), 'no exposed visitors')}${td(
            interval(s.ci, (x) => pct(x)),
            'no exposed visitors',
          )}${td(signedPct(s.uplift), why, sig)}${td(interval(s.upliftCi, signedPct), why)}${td(pValue(s.p), why, sig)}</tr>`;
        })
        .join(''),
    )
    .join('');
}

const RATE_HEAD = (first: string, n: string) =>
  `<tr><th>${first}</th><th>${n}</th><th class="g">goal</th><th>converted</th><th>rate</th><th>95% interval</th><th>uplift</th><th>uplift 95% interval</th><th>p</th></tr>`;

/** The value (revenue) table: total, per exposed visitor with its interval, uplift, Welch's p. */
function valueTable(
  arms: { label: string; goals: Record<string, GoalStats>; baseline: boolean }[],
  goals: string[],
): string {
  if (!goals.length) return '';
  const base = arms.find((a) => a.baseline);
  const rows = arms
    .map((a) =>
      goals
        .map((g, i) => {
          const s = a.goals[g]!;
          const sig = s.valueP !== null && s.valueP < 0.05 ? ' class="sig"' : '';
          const why = dashReason(s, a.baseline, base?.goals[g], true);
          return `<tr><td>${i ? '' : `${a.label}${a.baseline ? ' <span class="muted">(baseline)</span>' : ''}`}</td><td class="g">${esc(g)}</td><td>${amount(s.value)}</td>${td(amount(s.valuePerVisitor), 'no exposed visitors')}${td(interval(s.valueCi, amount), 'needs at least two visitors')}${td(signedPct(s.valueUplift), why, sig)}${td(interval(s.valueUpliftCi, signedPct), why)}${td(pValue(s.valueP), why, sig)}</tr>`;
        })
        .join(''),
    )
    .join('');
  return `<h3>Value (revenue) per exposed visitor</h3>${scroll(`<table class="value"><thead><tr><th>arm</th><th class="g">goal</th><th>total value</th><th>per visitor</th><th>95% interval</th><th>uplift</th><th>uplift 95% interval</th><th>p (Welch)</th></tr></thead><tbody>${rows}</tbody></table>`)}`;
}

function experienceSection(e: ExperienceReport, name: string | undefined): string {
  const goals = Object.keys(e.variants[0]?.goals || {});
  const srm =
    e.srm.p === null
      ? '<span class="muted">sample ratio: not enough arms to check</span>'
      : e.srm.flagged
        ? `<span class="flag">Sample ratio mismatch (p = ${pValue(e.srm.p)}): the split of visitors differs from the configured weights; do not trust these results until the cause is found.</span>`
        : `<span class="ok">Sample ratio OK (p = ${pValue(e.srm.p)})</span>`;
  const arms = e.variants.map((v) => ({
    label: esc(v.id),
    n: v.exposed,
    goals: v.goals,
    baseline: v.id === e.baseline,
  }));
  const table = goals.length
    ? `<table class="rates"><thead>${RATE_HEAD('variant', 'exposed')}</thead><tbody>${rateRows(arms, goals)}</tbody></table>`
    : `<table class="rates"><thead><tr><th>variant</th><th>exposed</th></tr></thead><tbody>${e.variants.map((v) => `<tr><td>${esc(v.id)}</td><td>${v.exposed}</td></tr>`).join('')}</tbody></table>`;
  const charts = goals.map((g) => `<h3>${esc(g)}: conversion rate, 95% interval</h3>${chart(e, g)}`).join('');
  return `<section class="experience"><h2>${esc(name ? `${name} (${e.id})` : e.id)}</h2><p>${srm}</p>${scroll(table)}${valueTable(arms, valuedGoals(e.variants, goals))}${charts}</section>`;
}

function programSection(r: Report): string {
  const { personalized, holdout } = r.program;
  const goals = Object.keys(personalized.goals);
  const arms = [
    { label: 'personalized', n: personalized.visitors, goals: personalized.goals, baseline: false },
    { label: 'global holdout', n: holdout.visitors, goals: holdout.goals, baseline: true },
  ];
  const body = goals.length
    ? `${scroll(`<table class="program"><thead>${RATE_HEAD('group', 'visitors')}</thead><tbody>${rateRows(arms, goals)}</tbody></table>`)}${valueTable(arms, valuedGoals(arms, goals))}`
    : `<p class="muted">No conversions yet: ${personalized.visitors} personalized visitors, ${holdout.visitors} in the global holdout.</p>`;
  return `<section class="program"><h2>Program: personalized visitors vs the global holdout</h2><p class="muted">Everyone exposed to a personalized variant against the visitors kept out of every experience; uplift is of the personalized group over the holdout.</p>${body}</section>`;
}

function summarySection(r: Report): string {
  if (!r.summary.length) return '';
  return `<section class="summary"><h2>Summary</h2><ul>${r.summary
    .map((l) => `<li${l.significant ? ' class="lead"' : ''}>${esc(l.text)}</li>`)
    .join('')}</ul></section>`;
}

/** The report page of one site; `query` (`&token=…`) is appended to its links. */
export function renderReport(r: Report, manifest?: Manifest | null, query = ''): string {
  const names = new Map(
    (manifest?.site === r.site ? manifest.experiences || [] : []).map((e) => [e.id, e.name]),
  );
  const experiences = r.experiences.length
    ? r.experiences.map((e) => experienceSection(e, names.get(e.id))).join('')
    : '<p class="muted">No exposures stored for this site yet.</p>';
  const notes = `<section class="notes"><h2>How to read this report</h2><p>Rates are converting visitors over distinct exposed visitors, with Wilson 95% intervals; uplift is relative to the baseline (control, else holdout, else global holdout) with a 95% interval from the log rate ratio; p is a two-sided pooled two-proportion z-test; the sample-ratio check is a chi-square against the configured weights (flagged below p = 0.001). Value is the sum of the <code>value</code> of counted conversions; per visitor it is averaged over every exposed visitor (0 for those without a conversion), with a Student t 95% interval, and compared with the baseline by Welch’s t-test. The summary calls a difference significant below p = 0.05, and otherwise estimates the visitors a two-proportion test needs to detect the observed difference with 80% power.</p><p id="dash">${esc(DASH_NOTE)}</p></section>`;
  return page(
    `Tailor report: ${r.site}`,
    `<h1>Tailor report: ${esc(r.site)}</h1><p class="muted">Generated ${esc(generatedAt(r.generated))}. JSON: <a href="/api/report?site=${encodeURIComponent(r.site)}${esc(query)}">/api/report</a>. <a href="#dash">How to read this report</a>.</p>${summarySection(r)}${programSection(r)}${experiences}${notes}`,
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
