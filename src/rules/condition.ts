/**
 * The condition engine (SPEC §5): MongoDB-style queries with GrowthBook's targeting semantics,
 * compiled once into closures so evaluation allocates nothing.
 *
 * Differences from GrowthBook, both required by SPEC §5: a bare value compares by deep
 * equality (GrowthBook coerces `"vip"` to match `["vip"]`), and `{ "$segment": name }` tests
 * segment membership. Comparisons (`$gt`…) and `$regex` are false for null, missing and
 * non-scalar values instead of following JS coercion (`null < 3` is true in JS).
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
const scalar = (v: unknown): v is string | number => typeof v === 'string' || typeof v === 'number';
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

function compare(op: string, expected: unknown): Test {
  const ok = (v: unknown) => scalar(v) && scalar(expected) && typeof v === typeof expected;
  switch (op) {
    case '$gt':
      return (v) => ok(v) && (v as number) > (expected as number);
    case '$gte':
      return (v) => ok(v) && (v as number) >= (expected as number);
    case '$lt':
      return (v) => ok(v) && (v as number) < (expected as number);
    default:
      return (v) => ok(v) && (v as number) <= (expected as number);
  }
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
    return (v) => typeof v === 'string' && re.test(v);
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
      return expected ? (v) => v !== null && v !== undefined : (v) => v === null || v === undefined;
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
      else parts.push((x, s) => !list.some((p) => p(x, s)));
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
      parts.push((x) => test(get(x)));
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
 * Compiles a condition once. Invalid regexes and unknown operators make their part false and
 * are reported through `onError` at compile time; the returned predicate never throws.
 */
export function compileCondition(condition: unknown, onError?: (message: string) => void): Predicate {
  try {
    const p = compileNode(condition, { _error: (m) => onError?.(m) }, '');
    return (x, s) => {
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
