/**
 * The condition engine (docs/conditions.md): MongoDB-style queries with GrowthBook's targeting semantics,
 * compiled once into closures so evaluation allocates nothing.
 *
 * Like GrowthBook, a missing path reads as `null` (so `{"a": null}` and `{"a": {"$exists":
 * false}}` match it) and `$gt`/`$lt`… use JavaScript's comparison (`"8" > 5`, `null < 3`).
 * Differences, all deliberate: a bare value compares by deep equality (docs/conditions.md; GrowthBook
 * coerces `"vip"` to match `["vip"]`); `{ "$segment": name }` tests segment membership;
 * `$regex` tests strings and numbers only (GrowthBook also matches `null` as the text
 * "null"); paths read own properties only; a top-level `$` key that is not a logical operator
 * is reported as an unknown operator rather than read as an attribute name.
 */
import { compileRegex } from '../manifest/pattern';
import { compilePath } from './path';
import { paddedVersion } from './version';

/** Segment names a condition's `$segment` reads: a list, or anything with `has` (a Set, or segments.ts's lazy view). */
export type SegmentNames = { has(name: string): boolean } | readonly string[];
/** A compiled condition. `segments` are the names the visitor is in (for `$segment`). */
export type Predicate = (context: unknown, segments?: SegmentNames) => boolean;
type Test = (value: unknown) => boolean;
/**
 * Hears a problem found while compiling: what is wrong (0: not an object, 1: not an array of
 * conditions, 2: unknown operator, 3: invalid regex, 4: unsafe regex), where, and the operator or
 * regex at fault; it returns FALSE, what the faulty part compiles to. compileCondition words the
 * problem for `onError`; compileQuietly (`matches`) words nothing, so its bundle has no message.
 */
type Report = (what: number, at: string, detail?: unknown) => typeof FALSE;

const FALSE = () => false;

/** A problem found in a condition, in words (see Report). */
export const words = (what: number, at: string, detail?: unknown) =>
  what > 2
    ? `${what < 4 ? 'invalid' : 'unsafe'} regular expression ${JSON.stringify(detail)} at ${at}`
    : what > 1
      ? `unknown operator "${detail}" at ${at}`
      : what
        ? `${at} must be an array of conditions`
        : `a condition must be an object at ${at}`;
export const isObject = (v: unknown): v is Record<string, unknown> =>
  !!v && typeof v === 'object' && !Array.isArray(v);
export const isOperatorObject = (v: unknown): v is Record<string, unknown> => {
  if (!isObject(v)) return false;
  const keys = Object.keys(v);
  return keys.length > 0 && keys.every((k) => k[0] === '$');
};
export const typeOf = (v: unknown) => (v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v);
export const lower = (v: unknown) => (typeof v === 'string' ? v.toLowerCase() : v);

export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (!a || !b || typeof a !== 'object' || typeof b !== 'object' || Array.isArray(a) !== Array.isArray(b))
    return false;
  const keys = Object.keys(a);
  return (
    keys.length === Object.keys(b).length &&
    keys.every(
      (k) =>
        Object.hasOwn(b, k) &&
        deepEqual((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]),
    )
  );
}

/** True when every one of `tests` is (also when there are none). */
function allOf(tests: Predicate[]): Predicate {
  return tests.length === 1
    ? tests[0]!
    : (x, s) => {
        for (const t of tests) if (!t(x, s)) return false;
        return true;
      };
}

/**
 * `$eq` … `$lte` use JavaScript's own comparison, coercion included (GrowthBook semantics);
 * `$veq` … `$vlte` are the same comparisons over padded version strings.
 */
export const COMPARISONS: Record<string, <T>(actual: T, expected: T) => boolean> = {
  $eq: (a, e) => a === e,
  $ne: (a, e) => a !== e,
  $gt: (a, e) => a > e,
  $gte: (a, e) => a >= e,
  $lt: (a, e) => a < e,
  $lte: (a, e) => a <= e,
};

function compileOperator(op: string, expected: unknown, report: Report, at: string): Test {
  const compare = COMPARISONS[op];
  if (compare) return (v) => compare(v, expected);
  if (op[1] === 'v') {
    const compareVersions = COMPARISONS[`$${op.slice(2)}`];
    if (compareVersions) {
      const e = paddedVersion(expected);
      return (v) => compareVersions(paddedVersion(v), e);
    }
  }
  // The `…i` variants ($ini, $nini, $regexi, $alli) are case-insensitive.
  const ci = op.endsWith('i');
  switch (op) {
    case '$in':
    case '$ini':
    case '$nin':
    case '$nini': {
      // The value (scalar or array) intersects `expected` (array); never true when `expected`
      // is not an array.
      if (!Array.isArray(expected)) return FALSE;
      const set = new Set(ci ? expected.map(lower) : expected);
      const negate = op[1] === 'n';
      const has = (v: unknown) => set.has(ci ? lower(v) : v);
      return (v) => (Array.isArray(v) ? v.some(has) : has(v)) !== negate;
    }
    case '$exists':
      return (v) => (v != null) === !!expected;
    case '$type':
      return (v) => typeOf(v) === expected;
    case '$regex':
    case '$regexi':
      try {
        const test = compileRegex(String(expected), ci ? 'i' : '');
        return (v) => (typeof v === 'string' || typeof v === 'number') && test(`${v}`);
      } catch (e) {
        // Refused (nested or too many repetitions: a visitor's long URL could freeze the page) or invalid.
        return report(e ? 3 : 4, at, expected);
      }
    case '$not': {
      const t = compileValue(expected, report, at);
      return (v) => !t(v);
    }
    case '$size': {
      const t = compileValue(expected, report, at);
      return (v) => Array.isArray(v) && t(v.length);
    }
    case '$elemMatch': {
      const t = (isOperatorObject(expected) ? compileValue : compileNode)(expected, report, at);
      // One argument only: a sub-condition sees no segments (nor the element's index). As in
      // GrowthBook, null elements never match (0, "" and false are tested).
      return (v) => Array.isArray(v) && v.some((x) => x != null && t(x));
    }
    case '$all':
    case '$alli': {
      if (!Array.isArray(expected)) return FALSE;
      const tests = expected.map((e) =>
        ci ? (v: unknown) => lower(v) === lower(e) : compileValue(e, report, at),
      );
      return (v) => Array.isArray(v) && tests.every((t) => v.some(t));
    }
  }
  return report(2, at, op);
}

/** A condition value: an operator object, or a bare value compared by deep equality. */
function compileValue(expected: unknown, report: Report, at: string): Test {
  return isOperatorObject(expected)
    ? allOf(Object.keys(expected).map((op) => compileOperator(op, expected[op], report, at)))
    : (v) => deepEqual(v, expected);
}

export const inSegments = (segments: SegmentNames | undefined, name: unknown) =>
  !!segments &&
  (Array.isArray(segments) ? segments.includes(name) : (segments as { has(n: unknown): boolean }).has(name));

function compileNode(condition: unknown, report: Report, at: string): Predicate {
  if (!isObject(condition)) {
    return report(0, at);
  }
  const parts: Predicate[] = [];
  for (const key of Object.keys(condition)) {
    const v = condition[key];
    const where = at ? `${at}.${key}` : key;
    if (key === '$and' || key === '$or' || key === '$nor') {
      if (!Array.isArray(v)) {
        return report(1, where);
      }
      const list = v.map((x, i) => compileNode(x, report, `${where}[${i}]`));
      // As in GrowthBook, an empty `$or` is true (and so an empty `$nor` false).
      const or: Predicate = (x, s) => !list.length || list.some((p) => p(x, s));
      parts.push(key === '$and' ? allOf(list) : key === '$or' ? or : (x, s) => !or(x, s));
    } else if (key === '$not') {
      const p = compileNode(v, report, where);
      parts.push((x, s) => !p(x, s));
    } else if (key === '$segment') {
      parts.push((_, s) => inSegments(s, v));
    } else if (key[0] === '$') {
      return report(2, where, key);
    } else {
      const get = compilePath(key);
      const test = compileValue(v, report, where);
      // A missing path reads as null, as in GrowthBook.
      parts.push((x) => test(get(x) ?? null));
    }
  }
  return allOf(parts);
}

/**
 * Compiles a condition once. An invalid regex, an unknown operator or a malformed part makes
 * the whole condition false (so a typo under `$not` or `$nor` cannot show an experience to
 * everyone) and is reported through `onError`; the returned predicate never throws.
 */
export function compileCondition(condition: unknown, onError?: (message: string) => void): Predicate {
  let broken = false;
  try {
    const p = compileNode(
      condition,
      (what, at, detail) => {
        broken = true;
        onError?.(words(what, at, detail));
        return FALSE;
      },
      '',
    );
    return broken
      ? FALSE
      : (x, s) => {
          try {
            return p(x, s);
          } catch {
            return false;
          }
        };
  } catch (e) {
    onError?.(`invalid condition: ${(e as Error).message}`);
    return FALSE;
  }
}

/**
 * compileCondition without `onError` (`matches`, the debug view): the same predicate, and no
 * problem is worded, so a bundle that compiles conditions only this way carries no message.
 */
export function compileQuietly(condition: unknown): Predicate {
  let broken = false;
  try {
    const p = compileNode(
      condition,
      () => {
        broken = true;
        return FALSE;
      },
      '',
    );
    return broken
      ? FALSE
      : (x, s) => {
          try {
            return p(x, s);
          } catch {
            return false;
          }
        };
  } catch {
    return FALSE;
  }
}

const cache = new WeakMap<object, Predicate>();

/** Evaluates a condition against a context (docs/api.md `matches`); compiled conditions are cached. */
export function matches(
  condition: unknown,
  context: unknown,
  segments?: ReadonlySet<string> | readonly string[],
): boolean {
  if (!condition || typeof condition !== 'object') return compileQuietly(condition)(context, segments);
  let p = cache.get(condition);
  if (!p) {
    p = compileQuietly(condition);
    cache.set(condition, p);
  }
  return p(context, segments);
}
