/**
 * Conditions read straight from their JSON: what the decision engine runs (the tags and the npm
 * build alike). A page view evaluates most audiences once, so compiling each into closures
 * (condition.ts, kept for `matches` and the debug view) costs more than it saves: reading the
 * JSON allocates little, and a manifest's regexes are prepared once per page and shared.
 *
 * One walk does both jobs. Given `report`, it checks the condition (every part, no
 * short-circuit) and reports what compileCondition would report, in the same order and words;
 * without it, it evaluates, short-circuiting as the compiled predicate does. A property test
 * compares both with compileCondition on random conditions and contexts.
 */
import { compileRegex } from '../manifest/pattern';
import { cached } from './cached';
import {
  COMPARISONS,
  deepEqual,
  inSegments,
  isObject,
  isOperatorObject,
  lower,
  type SegmentNames,
  typeOf,
  words,
} from './condition';
import { getPath } from './path';
import { paddedVersion } from './version';

type Segments = SegmentNames | undefined;
/** Hears a problem (condition.ts `words`); returns false, what the faulty part reads as. */
type Report = (what: number, at: string, detail?: unknown) => false;
/**
 * A problem: reported when checking; when evaluating (a published manifest is not checked
 * again) it throws, so that the whole condition reads false as a compiled one does, and a typo
 * under `$not` or `$nor` cannot show an experience to everyone.
 */
const problem = (r: Report | undefined, what: number, at: string, detail?: unknown) => {
  if (!r) throw 0;
  return r(what, at, detail);
};

/** Regex tests by flag and source; a number where compiling refuses it (3 invalid, 4 unsafe). */
const regexes = new Map<string, ((v: string) => boolean) | number>();
const regexOf = (source: string, ci: boolean) =>
  cached(
    regexes,
    (ci ? 'i' : '-') + source,
    () => {
      try {
        return compileRegex(source, ci ? 'i' : '');
      } catch (e) {
        return e ? 3 : 4;
      }
    },
    999,
  );

function node(c: unknown, x: unknown, s: Segments, r?: Report, at = ''): boolean {
  if (!isObject(c)) return problem(r, 0, at);
  for (const k of Object.keys(c)) {
    const v = c[k] as never;
    const where = r && (at ? `${at}.${k}` : k);
    if (k === '$and' || k === '$or' || k === '$nor') {
      if (!Array.isArray(v)) return problem(r, 1, where!);
      if (r)
        (v as unknown[]).forEach((y, i) => {
          node(y, 0, s, r, `${where}[${i}]`);
        });
      else if (
        k === '$and'
          ? !(v as unknown[]).every((y) => node(y, x, s))
          : // As in GrowthBook, an empty `$or` is true (and so an empty `$nor` false).
            (!(v as unknown[]).length || (v as unknown[]).some((y) => node(y, x, s))) === (k === '$nor')
      )
        return false;
    } else if (k === '$not') {
      if (node(v, x, s, r, where) && !r) return false;
    } else if (k === '$segment') {
      if (!r && !inSegments(s, v)) return false;
    } else if (k[0] === '$') {
      return problem(r, 2, where!, k);
    } else if (!value(v, r ? 0 : (getPath(x, k) ?? null), r, where) && !r)
      // A missing path reads as null, as in GrowthBook.
      return false;
  }
  return true;
}

/** A condition value: an operator object, or a bare value compared by deep equality. */
function value(e: unknown, v: unknown, r?: Report, at?: string): boolean {
  if (!isOperatorObject(e)) return deepEqual(v, e);
  for (const op of Object.keys(e)) if (!operator(op, e[op], v, r, at!) && !r) return false;
  return true;
}

function operator(op: string, e: unknown, v: unknown, r: Report | undefined, at: string): boolean {
  const compare = COMPARISONS[op];
  if (compare) return compare(v, e);
  const versions = op[1] === 'v' && COMPARISONS[`$${op.slice(2)}`];
  if (versions) return versions(paddedVersion(v), paddedVersion(e));
  // The `…i` variants ($ini, $nini, $regexi, $alli) are case-insensitive.
  const ci = op.endsWith('i');
  switch (op) {
    case '$in':
    case '$ini':
    case '$nin':
    case '$nini': {
      // The value (scalar or array) intersects `e` (array); never true when `e` is not an array.
      // includes() compares as a Set does (SameValueZero; a hole reads as undefined).
      if (!Array.isArray(e)) return false;
      const list = ci ? e.map(lower) : e;
      const has = (a: unknown) => list.includes(ci ? lower(a) : a);
      return (Array.isArray(v) ? v.some(has) : has(v)) !== (op[1] === 'n');
    }
    case '$exists':
      return (v != null) === !!e;
    case '$type':
      return typeOf(v) === e;
    case '$regex':
    case '$regexi': {
      const test = regexOf(String(e), ci);
      // A number: refused (nested or too many repetitions: a visitor's long URL could freeze
      // the page) or invalid.
      if (typeof test === 'number') return problem(r, test, at, e);
      return (typeof v === 'string' || typeof v === 'number') && test(`${v}`);
    }
    case '$not':
      return !value(e, v, r, at);
    case '$size':
      return r ? value(e, 0, r, at) : Array.isArray(v) && value(e, v.length);
    case '$elemMatch': {
      // One argument only: a sub-condition sees no segments. As in GrowthBook, null elements
      // never match (0, "" and false are tested).
      const test = (y: unknown) => (isOperatorObject(e) ? value(e, y, r, at) : node(e, y, undefined, r, at));
      return r ? test(0) : Array.isArray(v) && v.some((y) => y != null && test(y));
    }
    case '$all':
    case '$alli':
      if (!Array.isArray(e)) return false;
      if (r) return ci || e.every((y) => value(y, 0, r, at) || 1);
      return Array.isArray(v) && e.every((y) => v.some((w) => (ci ? lower(w) === lower(y) : value(y, w))));
  }
  return problem(r, 2, at, op);
}

/**
 * Checks `condition`, reporting through `onError` what compileCondition reports; true when it has
 * no problem.
 */
export function checkCondition(condition: unknown, onError?: (message: string) => void): boolean {
  let fine = true;
  try {
    node(condition, 0, undefined, (what, at, detail) => {
      fine = false;
      onError?.(words(what, at, detail));
      return false;
    });
  } catch (e) {
    onError?.(`invalid condition: ${(e as Error).message}`);
    fine = false;
  }
  return fine;
}

/** Evaluates a condition `checkCondition` passed: never throws (a problem reads as false). */
export const holds = (condition: unknown, x: unknown, s: Segments): boolean => {
  try {
    return node(condition, x, s);
  } catch {
    return false;
  }
};
