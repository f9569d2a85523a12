/**
 * Tiered conditions: a condition is read straight from its JSON for its first evaluations and
 * compiled (compileCondition) once it is hot, so a page view that evaluates each of 1,000
 * audiences once does not pay for 1,000 compilations. Both tiers give the same answers (a
 * property test compares them on random conditions and contexts): the reader below follows
 * condition.ts operator by operator, in the same order, short-circuiting where it does.
 *
 * Problems are found at once, as before: a walk without allocation checks the condition; when
 * it finds anything compileCondition would report, the condition is compiled right away, which
 * reports exactly what it always did and makes the condition false.
 */
import { compileRegex } from '../manifest/pattern';
import { cached } from './cached';
import type { Predicate } from './condition';
import {
  COMPARISONS,
  compileCondition,
  deepEqual,
  inSegments,
  isObject,
  isOperatorObject,
  lower,
  typeOf,
} from './condition';
import { compilePath } from './path';
import { paddedVersion } from './version';

/** Evaluations read from the JSON before a condition is compiled. */
export const HOT = 4;

type Segments = Parameters<Predicate>[1];
const paths = new Map<string, (o: unknown) => unknown>();
const regexes = new Map<string, ((v: string) => boolean) | null>();
/** The regex test of `$regex`/`$regexi`, or null where compiling it reports a problem. */
const regexOf = (source: unknown, ci: boolean) => {
  const s = String(source);
  return cached(
    regexes,
    (ci ? 'i' : '-') + s,
    () => {
      try {
        return compileRegex(s, ci ? 'i' : '');
      } catch {
        return null;
      }
    },
    999,
  );
};

/** Whether compiling the node reports nothing (mirrors compileNode). */
function nodeOk(c: unknown): boolean {
  if (!isObject(c)) return false;
  for (const k in c) {
    if (!Object.hasOwn(c, k)) continue;
    const v = c[k];
    if (k === '$and' || k === '$or' || k === '$nor') {
      if (!Array.isArray(v)) return false;
      // for…of, not every(): a hole reads as undefined and is refused, as compiling would fail on it.
      for (const y of v) if (!nodeOk(y)) return false;
    } else if (k === '$not') {
      if (!nodeOk(v)) return false;
    } else if (k !== '$segment' && (k[0] === '$' || !valueOk(v))) return false;
  }
  return true;
}

/** Mirrors compileValue. */
const valueOk = (e: unknown): boolean =>
  !isOperatorObject(e) || Object.keys(e).every((op) => opOk(op, e[op]));

/** Mirrors compileOperator. */
function opOk(op: string, e: unknown): boolean {
  if (COMPARISONS[op] || (op[1] === 'v' && COMPARISONS[`$${op.slice(2)}`])) return true;
  switch (op) {
    case '$in':
    case '$ini':
    case '$nin':
    case '$nini':
    case '$exists':
    case '$type':
    case '$alli':
      return true;
    case '$regex':
    case '$regexi':
      return !!regexOf(e, op === '$regexi');
    case '$not':
    case '$size':
      return valueOk(e);
    case '$elemMatch':
      return isOperatorObject(e) ? valueOk(e) : nodeOk(e);
    case '$all':
      return !Array.isArray(e) || e.every(valueOk);
  }
  return false;
}

/** SameValueZero, as Set#has compares. */
const same = (a: unknown, b: unknown) => a === b || (Number.isNaN(a) && Number.isNaN(b));

/** Mirrors compileNode's predicate on a condition nodeOk accepted. */
function evalNode(c: Record<string, unknown>, x: unknown, s: Segments): boolean {
  for (const k in c) {
    if (!Object.hasOwn(c, k)) continue;
    const v = c[k] as never;
    if (k === '$and') {
      for (const y of v as unknown[]) if (!evalNode(y as never, x, s)) return false;
    } else if (k === '$or' || k === '$nor') {
      let any = !(v as unknown[]).length;
      for (const y of v as unknown[])
        if (!any && evalNode(y as never, x, s)) {
          any = true;
          break;
        }
      if (any === (k === '$nor')) return false;
    } else if (k === '$not') {
      if (evalNode(v, x, s)) return false;
    } else if (k === '$segment') {
      if (!inSegments(s, v)) return false;
    } else if (!evalValue(v, cached(paths, k, () => compilePath(k), 999)(x) ?? null)) return false;
  }
  return true;
}

/** Mirrors compileValue's test. */
function evalValue(e: unknown, v: unknown): boolean {
  if (!isOperatorObject(e)) return deepEqual(v, e);
  for (const op in e) if (Object.hasOwn(e, op) && !evalOp(op, e[op], v)) return false;
  return true;
}

/** Mirrors compileOperator's test. */
function evalOp(op: string, e: unknown, v: unknown): boolean {
  const compare = COMPARISONS[op];
  if (compare) return compare(v, e);
  const versions = op[1] === 'v' && COMPARISONS[`$${op.slice(2)}`];
  if (versions) return versions(paddedVersion(v), paddedVersion(e));
  const ci = op.endsWith('i');
  switch (op) {
    case '$in':
    case '$ini':
    case '$nin':
    case '$nini': {
      if (!Array.isArray(e)) return false;
      // As `new Set(e)` (compileCondition) holds its items: holes read as undefined.
      const has = (a: unknown) => {
        for (const b of e) if (ci ? same(lower(b), lower(a)) : same(b, a)) return true;
        return false;
      };
      return (Array.isArray(v) ? v.some(has) : has(v)) !== (op[1] === 'n');
    }
    case '$exists':
      return (v != null) === !!e;
    case '$type':
      return typeOf(v) === e;
    case '$regex':
    case '$regexi':
      return (typeof v === 'string' || typeof v === 'number') && regexOf(e, ci)!(`${v}`);
    case '$not':
      return !evalValue(e, v);
    case '$size':
      return Array.isArray(v) && evalValue(e, v.length);
    case '$elemMatch':
      return (
        Array.isArray(v) &&
        v.some(
          (x) => x != null && (isOperatorObject(e) ? evalValue(e, x) : evalNode(e as never, x, undefined)),
        )
      );
    default:
      // $all, $alli (opOk accepted nothing else)
      return (
        Array.isArray(e) &&
        Array.isArray(v) &&
        e.every((y) => v.some((x) => (ci ? lower(x) === lower(y) : evalValue(y, x))))
      );
  }
}

/**
 * A predicate equal to `compileCondition(condition, onError)`: the same reports (made now),
 * the same answers, read from the JSON for its first HOT evaluations and compiled after.
 */
export function tieredCondition(condition: unknown, onError?: (message: string) => void): Predicate {
  let ok = false;
  try {
    ok = nodeOk(condition);
  } catch {}
  if (!ok) return compileCondition(condition, onError);
  let n = 0;
  let compiled: Predicate | undefined;
  return (x, s) => {
    if (compiled) return compiled(x, s);
    if (++n > HOT) {
      compiled = compileCondition(condition);
      return compiled(x, s);
    }
    try {
      return evalNode(condition as Record<string, unknown>, x, s);
    } catch {
      return false;
    }
  };
}
