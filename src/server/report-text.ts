/**
 * `tailor report` without `--json`: the report as aligned text. The summary lines first, then
 * the program view, then each experience's rates and, where conversions carry one, value (revenue)
 * per visitor; what "–" means last.
 */
import { amount, DASH_NOTE, generatedAt, interval, pct, pValue, signedPct, valuedGoals } from './report-html';
import type { GoalStats, Report } from './stats';

function table(rows: string[][], left = 3): string[] {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
  return rows.map((r) =>
    `  ${r.map((c, i) => (i < left ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ')}`.trimEnd(),
  );
}

interface Arm {
  label: string;
  n: number;
  goals: Record<string, GoalStats>;
}

function rateRows(arms: Arm[], first: string, n: string): string[] {
  const rows = [[first, n, 'goal', 'converted', 'rate', '95% interval', 'uplift', '95% interval', 'p']];
  for (const a of arms) {
    const goals = Object.entries(a.goals);
    if (!goals.length) rows.push([a.label, String(a.n), '', '', '', '', '', '', '']);
    goals.forEach(([g, s], i) => {
      rows.push([
        i ? '' : a.label,
        i ? '' : String(a.n),
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
  return table(rows);
}

function valueRows(arms: Arm[], goals: string[]): string[] {
  if (!goals.length) return [];
  const rows = [
    ['arm', 'goal', 'total value', 'per visitor', '95% interval', 'uplift', '95% interval', 'p (Welch)'],
  ];
  for (const a of arms)
    goals.forEach((g, i) => {
      const s = a.goals[g]!;
      rows.push([
        i ? '' : a.label,
        g,
        amount(s.value),
        amount(s.valuePerVisitor),
        interval(s.valueCi, amount),
        signedPct(s.valueUplift),
        interval(s.valueUpliftCi, signedPct),
        pValue(s.valueP),
      ]);
    });
  return ['  Value (revenue) per exposed visitor:', ...table(rows, 2)];
}

/** Wraps a paragraph at `width` columns, each line indented by `indent`. */
function wrap(text: string, indent: string, width = 100): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(' ')) {
    if (line && indent.length + line.length + 1 + word.length > width) {
      lines.push(indent + line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  if (line) lines.push(indent + line);
  return lines;
}

export function formatReport(r: Report): string[] {
  const out = [`Tailor report: ${r.site} (generated ${generatedAt(r.generated)})`];
  if (r.summary.length) {
    out.push('', 'Summary');
    for (const l of r.summary)
      out.push(...wrap(l.text, '  ').map((s, i) => (i ? `  ${s}` : s.replace(/^ {2}/, '  - '))));
  }
  const { personalized, holdout } = r.program;
  const programArms: Arm[] = [
    { label: 'personalized', n: personalized.visitors, goals: personalized.goals },
    { label: 'global holdout', n: holdout.visitors, goals: holdout.goals },
  ];
  out.push('', 'Program: personalized visitors vs the global holdout (baseline: the global holdout)');
  out.push(...rateRows(programArms, 'group', 'visitors'));
  out.push(...valueRows(programArms, valuedGoals(programArms, Object.keys(personalized.goals))));
  if (!r.experiences.length) out.push('', 'No exposures stored for this site yet.');
  for (const e of r.experiences) {
    const srm =
      e.srm.p === null
        ? 'sample ratio not checked (fewer than two arms)'
        : e.srm.flagged
          ? `SAMPLE RATIO MISMATCH, p = ${pValue(e.srm.p)}: do not trust these results`
          : `sample ratio OK, p = ${pValue(e.srm.p)}`;
    out.push('', `${e.id}  (baseline ${e.baseline ?? 'none'}; ${srm})`);
    const arms = e.variants.map((v) => ({ label: v.id, n: v.exposed, goals: v.goals }));
    out.push(...rateRows(arms, 'variant', 'exposed'));
    out.push(...valueRows(arms, valuedGoals(e.variants, Object.keys(e.variants[0]?.goals ?? {}))));
  }
  out.push('', ...wrap(`Note: ${DASH_NOTE}`, ''));
  return out;
}
