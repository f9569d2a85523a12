/** `tailor report` without `--json`: the §12 report as aligned text tables. */
import { interval, pct, pValue, signedPct } from './report-html';
import type { Report } from './stats';

function table(rows: string[][]): string[] {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
  return rows.map((r) =>
    `  ${r.map((c, i) => (i < 3 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ')}`.trimEnd(),
  );
}

export function formatReport(r: Report): string[] {
  const out = [`Tailor report: ${r.site} (generated ${new Date(r.generated).toISOString()})`];
  if (!r.experiences.length) out.push('', 'No exposures stored for this site yet.');
  for (const e of r.experiences) {
    const srm =
      e.srm.p === null
        ? 'sample ratio not checked (fewer than two arms)'
        : e.srm.flagged
          ? `SAMPLE RATIO MISMATCH, p = ${pValue(e.srm.p)}: do not trust these results`
          : `sample ratio OK, p = ${pValue(e.srm.p)}`;
    out.push('', `${e.id}  (baseline ${e.baseline ?? 'none'}; ${srm})`);
    const rows = [
      ['variant', 'exposed', 'goal', 'converted', 'rate', '95% interval', 'uplift', '95% interval', 'p'],
    ];
    for (const v of e.variants) {
      const goals = Object.entries(v.goals);
      if (!goals.length) rows.push([v.id, String(v.exposed), '', '', '', '', '', '', '']);
      goals.forEach(([g, s], i) => {
        rows.push([
          i ? '' : v.id,
          i ? '' : String(v.exposed),
          g,
          String(s.converted),
          pct(s.rate),
          interval(s.ci, (x) => pct(x)),
          signedPct(s.uplift),
          interval(s.upliftCi, signedPct),
          pValue(s.p),
        ]);
      });
    }
    out.push(...table(rows));
  }
  const { personalized, holdout } = r.program;
  const goals = Object.keys(personalized.goals);
  out.push('', 'Program: personalized visitors vs the global holdout');
  out.push(
    ...table([
      ['group', 'visitors', ...goals],
      ...(
        [
          ['personalized', personalized],
          ['global holdout', holdout],
        ] as const
      ).map(([label, g]) => [
        label,
        String(g.visitors),
        ...goals.map((goal) => `${g.goals[goal]!.converted} (${pct(g.goals[goal]!.rate)})`),
      ]),
    ]),
  );
  return out;
}
