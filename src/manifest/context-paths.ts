/**
 * The context paths Tailor defines (docs/context.md), for the validator: a condition on a path
 * that does not exist is never true, so `"trafic.medium"` or `"traffic.medum"` is a mistake to
 * report, with the nearest real path. A `*` marks keys that are the site's own (traits, query
 * parameters, goals, categories, scores, site data, remote sources): anything below it is free.
 * Only the CLI and the npm validator use this list; the script tags never load it.
 */
const TOUCH = 'source medium campaign term content';

export const CONTEXT_PATHS: readonly string[] = [
  ...'id userId isNew visits pageviews daysSinceFirstVisit daysSinceLastVisit traits.* conversions.*'
    .split(' ')
    .map((k) => `visitor.${k}`),
  'session.pageviews',
  'session.seconds',
  'session.landingPath',
  ...'url path host query.* referrer title category'.split(' ').map((k) => `page.${k}`),
  ...TOUCH.split(' ').map((k) => `traffic.${k}`),
  ...TOUCH.split(' ').map((k) => `traffic.first.${k}`),
  'device.type',
  'device.vendor',
  'device.model',
  'device.touch',
  'os.name',
  'os.version',
  'browser.name',
  'browser.version',
  'browser.major',
  'screen.width',
  'screen.height',
  'geo.country',
  'geo.timezone',
  'geo.language',
  'geo.languages.*',
  ...'hour weekday isWeekend date month'.split(' ').map((k) => `time.${k}`),
  'behavior.scrollDepth',
  'behavior.secondsOnPage',
  'affinity.*',
  'journey.stage',
  'score.*',
  'data.*',
  'remote.*',
  'consent.state',
];

/** Every path a condition may name: the leaves, the objects above them and the open prefixes. */
const KNOWN = new Set<string>();
const OPEN: string[] = [];
for (const p of CONTEXT_PATHS) {
  const parts = p.split('.');
  for (let i = 1; i <= parts.length; i++) {
    const prefix = parts.slice(0, i).join('.');
    if (parts[i - 1] !== '*') KNOWN.add(prefix);
  }
  if (p.endsWith('.*')) OPEN.push(p.slice(0, -1));
}

/**
 * Optimal-string-alignment distance (insertions, deletions, substitutions and swaps of two
 * neighbours each cost 1), stopped early once it is over `max`.
 */
export function editDistance(a: string, b: string, max = 3): number {
  if (Math.abs(a.length - b.length) > max) return max + 1;
  let prev2: number[] = [];
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    let best = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let d = Math.min(prev[j]! + 1, row[j - 1]! + 1, prev[j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        d = Math.min(d, prev2[j - 2]! + 1);
      row.push(d);
      best = Math.min(best, d);
    }
    if (best > max) return max + 1;
    prev2 = prev;
    prev = row;
  }
  return prev[b.length]!;
}

/** The nearest of `names` to `name` within `max` edits (the first on a tie), or null. */
export function nearest(name: string, names: Iterable<string>, max: number): string | null {
  let found: string | null = null;
  let best = max + 1;
  for (const n of names) {
    const d = editDistance(name, n, max);
    if (d < best) (best = d), (found = n);
  }
  return found;
}

/** Why `path` names nothing in the context (with the nearest real path), or null when it does. */
export function contextPathProblem(path: string): string | null {
  if (KNOWN.has(path) || OPEN.some((o) => path.startsWith(o))) return null;
  // The nearest real path, or the open namespace it meant ("vistor.traits.tier" → "visitor.traits.tier").
  let guess = nearest(path, KNOWN, 3);
  for (const o of OPEN) {
    const head = path
      .split('.')
      .slice(0, o.split('.').length - 1)
      .join('.');
    if (!guess && editDistance(`${head}.`, o, 2) <= 2) guess = o + path.slice(head.length + 1);
  }
  if (guess) return `"${path}" is not a context path; did you mean "${guess}"?`;
  const ns = path.split('.')[0]!;
  const under = [...KNOWN].filter((k) => k.startsWith(`${ns}.`) && k.split('.').length === 2);
  const list = (xs: string[]) => xs.map((x) => `"${x}"`).join(', ');
  return under.length
    ? `"${path}" is not a context path; "${ns}" has ${list(under)}`
    : `"${path}" is not a context path; paths start with ${list([...KNOWN].filter((k) => !k.includes('.')))}`;
}
