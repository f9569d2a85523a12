/**
 * The condition engine (SPEC §5): MongoDB-style queries with GrowthBook's targeting semantics,
 * compiled once into closures so evaluation allocates nothing.
 *
 * Like GrowthBook, a missing path reads as `null` (so `{"a": null}` and `{"a": {"$exists":
 * false}}` match it) and `$gt`/`$lt`… use JavaScript's comparison (`"8" > 5`, `null < 3`).
 * Differences, all deliberate: a bare value compares by deep equality (SPEC §5; GrowthBook
 * coerces `"vip"` to match `["vip"]`); `{ "$segment": name }` tests segment membership;
 * `$regex` tests strings and numbers only (GrowthBook also matches `null` as the text
 * "null"); paths read own properties only; a top-level `$` key that is not a logical operator
 * is reported as an unknown operator rather than read as an attribute name.
 */
import { compilePath } from './path';
import { paddedVersion } from './version';

/** A compiled condition. `segments` are the names the visitor is in (for `$segment`). */
export type Predicate = (context: unknown, segments?: ReadonlySet<string> | readonly string[]) => boolean;
type Test = (value: unknown) => boolean;

const TRUE = () => true;
const FALSE = () => false;
const isObject = (v: unknown): v is Record<string, unknown> =>
  !!v && typeof v === 'object' && !Array.isArray(v);
const isOperatorObject = (v: unknown): v is Record<string, unknown> => {
  if (!isObject(v)) return false;
  const keys = Object.keys(v);
  return keys.length > 0 && keys.every((k) => k[0] === '$');
};
const typeOf = (v: unknown) => (v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v);
const lower = (v: unknown) => (typeof v === 'string' ? v.toLowerCase() : v);

export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (!a || !b || typeof a !== 'object' || typeof b !== 'object' || Array.isArray(a) !== Array.isArray(b))
    return false;
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  if (ka.length !== kb.length) return false;
  for (const k of ka) {
    if (
      !Object.hasOwn(b, k) ||
      !deepEqual((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k])
    )
      return false;
  }
  return true;
}

interface Compiler {
  _error(message: string): void;
}

/** `actual` (scalar or array) intersects `expected` (array), optionally case-insensitive. */
function inTest(expected: unknown, ci: boolean): Test {
  if (!Array.isArray(expected)) return FALSE;
  const list = ci ? expected.map(lower) : expected;
  const set = new Set(list);
  const has = (v: unknown) => set.has(ci ? lower(v) : v);
  return (v) => (Array.isArray(v) ? v.some(has) : has(v));
}

// GrowthBook semantics: JavaScript's own comparison, coercion included.
function compare(op: string, e: unknown): Test {
  const x = e as number;
  return op === '$gt'
    ? (v) => (v as number) > x
    : op === '$gte'
      ? (v) => (v as number) >= x
      : op === '$lt'
        ? (v) => (v as number) < x
        : (v) => (v as number) <= x;
}

function versionTest(op: string, expected: unknown): Test {
  const e = paddedVersion(expected);
  const cmp: Record<string, (a: string) => boolean> = {
    $veq: (a) => a === e,
    $vne: (a) => a !== e,
    $vgt: (a) => a > e,
    $vgte: (a) => a >= e,
    $vlt: (a) => a < e,
    $vlte: (a) => a <= e,
  };
  const f = cmp[op]!;
  return (v) => f(paddedVersion(v));
}

function regexTest(expected: unknown, flags: string, c: Compiler, at: string): Test {
  try {
    const re = new RegExp(String(expected), flags);
    return (v) => (typeof v === 'string' || typeof v === 'number') && re.test(`${v}`);
  } catch {
    c._error(`invalid regular expression ${JSON.stringify(expected)} at ${at}`);
    return FALSE;
  }
}

function compileOperator(op: string, expected: unknown, c: Compiler, at: string): Test {
  switch (op) {
    case '$eq':
      return (v) => v === expected;
    case '$ne':
      return (v) => v !== expected;
    case '$gt':
    case '$gte':
    case '$lt':
    case '$lte':
      return compare(op, expected);
    case '$veq':
    case '$vne':
    case '$vgt':
    case '$vgte':
    case '$vlt':
    case '$vlte':
      return versionTest(op, expected);
    case '$in':
    case '$ini': {
      const t = inTest(expected, op === '$ini');
      return t;
    }
    case '$nin':
    case '$nini': {
      if (!Array.isArray(expected)) return FALSE;
      const t = inTest(expected, op === '$nini');
      return (v) => !t(v);
    }
    case '$exists':
      return expected ? (v) => v != null : (v) => v == null;
    case '$type':
      return (v) => typeOf(v) === expected;
    case '$regex':
    case '$regexi':
      return regexTest(expected, op === '$regexi' ? 'i' : '', c, at);
    case '$not': {
      const t = compileValue(expected, c, at);
      return (v) => !t(v);
    }
    case '$size': {
      const t = compileValue(expected, c, at);
      return (v) => Array.isArray(v) && t(v.length);
    }
    case '$elemMatch': {
      const t: Test = isOperatorObject(expected)
        ? compileValue(expected, c, at)
        : (
            (p: Predicate) => (v: unknown) =>
              p(v)
          )(compileNode(expected, c, at));
      return (v) => Array.isArray(v) && v.some(t);
    }
    case '$all':
    case '$alli': {
      if (!Array.isArray(expected)) return FALSE;
      const ci = op === '$alli';
      const tests = expected.map((e) =>
        ci ? (v: unknown) => lower(v) === lower(e) : compileValue(e, c, at),
      );
      return (v) => Array.isArray(v) && tests.every((t) => v.some(t));
    }
    default:
      c._error(`unknown operator "${op}" at ${at}`);
      return FALSE;
  }
}

/** A condition value: an operator object, or a bare value compared by deep equality. */
function compileValue(expected: unknown, c: Compiler, at: string): Test {
  if (!isOperatorObject(expected)) {
    return expected !== null && typeof expected === 'object'
      ? (v) => deepEqual(v, expected)
      : (v) => v === expected;
  }
  const tests = Object.keys(expected).map((op) => compileOperator(op, expected[op], c, at));
  return tests.length === 1 ? tests[0]! : (v) => tests.every((t) => t(v));
}

const inSegments = (segments: ReadonlySet<string> | readonly string[] | undefined, name: unknown) =>
  !!segments &&
  (Array.isArray(segments) ? segments.includes(name) : (segments as ReadonlySet<unknown>).has(name));

function compileList(list: unknown, c: Compiler, at: string): Predicate[] | null {
  if (!Array.isArray(list)) {
    c._error(`${at} must be an array of conditions`);
    return null;
  }
  return list.map((x, i) => compileNode(x, c, `${at}[${i}]`));
}

function compileNode(condition: unknown, c: Compiler, at: string): Predicate {
  if (!isObject(condition)) {
    c._error(`a condition must be an object at ${at}`);
    return FALSE;
  }
  const parts: Predicate[] = [];
  for (const key of Object.keys(condition)) {
    const v = condition[key];
    const where = at ? `${at}.${key}` : key;
    if (key === '$and' || key === '$or' || key === '$nor') {
      const list = compileList(v, c, where);
      if (!list) return FALSE;
      if (key === '$and') parts.push((x, s) => list.every((p) => p(x, s)));
      else if (key === '$or') parts.push((x, s) => !list.length || list.some((p) => p(x, s)));
      else parts.push((x, s) => !!list.length && !list.some((p) => p(x, s)));
    } else if (key === '$not') {
      const p = compileNode(v, c, where);
      parts.push((x, s) => !p(x, s));
    } else if (key === '$segment') {
      parts.push((_, s) => inSegments(s, v));
    } else if (key[0] === '$') {
      c._error(`unknown operator "${key}" at ${where}`);
      return FALSE;
    } else {
      const get = compilePath(key);
      const test = compileValue(v, c, where);
      // A missing path reads as null, as in GrowthBook.
      parts.push((x) => test(get(x) ?? null));
    }
  }
  if (!parts.length) return TRUE;
  if (parts.length === 1) return parts[0]!;
  return (x, s) => {
    for (const p of parts) if (!p(x, s)) return false;
    return true;
  };
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
      {
        _error: (m) => {
          broken = true;
          onError?.(m);
        },
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

const cache = new WeakMap<object, Predicate>();

/** Evaluates a condition against a context (SPEC §3 `matches`); compiled conditions are cached. */
export function matches(
  condition: unknown,
  context: unknown,
  segments?: ReadonlySet<string> | readonly string[],
): boolean {
  if (!condition || typeof condition !== 'object') return compileCondition(condition)(context, segments);
  let p = cache.get(condition);
  if (!p) {
    p = compileCondition(condition);
    cache.set(condition, p);
  }
  return p(context, segments);
}
