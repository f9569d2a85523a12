/**
 * Manifest validation (docs/manifest.md#validation): every field of `types.ts` is checked; each problem has a
 * JSON path and a sentence a marketer understands. A bad experience, segment or goal is
 * dropped and reported while the rest keep running; unknown keys are warnings. A manifest
 * that is not an object, has an unsupported `version` or no `site` runs nothing.
 *
 * Table-driven to stay small: it ships in the script tag.
 */
import { contextPathProblem, nearest } from './context-paths';
import { regexRisk } from './pattern';
import { isSafeUrl, URL_ATTR } from './safe-url';
import type { Manifest, ManifestProblem, ValidationResult } from './types';

/**
 * A JSON path, built lazily: `[parent, key]` pairs are only turned into text (`a.b[2]`) when a
 * problem is recorded, so a clean manifest costs no string building (it runs on every page view).
 */
type Path = string | readonly [Path, string | number];
type Check = (v: unknown, path: Path, cx: Cx) => void;
interface Cx {
  /** Records a problem. */
  _add(path: Path, message: string, warning?: boolean): void;
  /** true when valid; false, or the reason as text, when not. */
  _selector(s: string): boolean | string;
  /** Segment names `$segment` may use here. */
  _segments: Set<string>;
  /** Segments dropped for their own errors. */
  _dropped: { has(name: string): boolean };
  /** Drops this part for using the dropped segment `name` (said in the segment's report). */
  _uses(name: string, path: Path): void;
  _goals: Set<string>;
}
type Fields = Record<string, [Check, 1?]>;

const say = (v: unknown) => {
  const s = JSON.stringify(v);
  return s === undefined ? String(v) : s.length > 60 ? `${s.slice(0, 57)}...` : s;
};
const kind = (v: unknown) =>
  v === null ? 'null' : Array.isArray(v) ? 'a list' : typeof v === 'object' ? 'an object' : say(v);
const isObj = (v: unknown): v is Record<string, unknown> => !!v && typeof v === 'object' && !Array.isArray(v);
const at = (path: Path, key: string | number): Path => [path, key];
const show = (p: Path): string => {
  if (typeof p === 'string') return p;
  const path = show(p[0]);
  const key = p[1];
  return typeof key === 'number'
    ? `${path}[${key}]`
    : /^[A-Za-z_$][\w$]*$/.test(key)
      ? path
        ? `${path}.${key}`
        : key
      : `${path}[${JSON.stringify(key)}]`;
};

/* ----------------------------------------------------------------- checkers */

const str: Check = (v, p, cx) => {
  if (typeof v !== 'string') cx._add(p, `must be text, got ${kind(v)}`);
};
const text: Check = (v, p, cx) => {
  if (typeof v !== 'string' || !v.trim()) cx._add(p, `must be non-empty text, got ${kind(v)}`);
};
const bool: Check = (v, p, cx) => {
  if (typeof v !== 'boolean') cx._add(p, `must be true or false, got ${kind(v)}`);
};
const num =
  (min = -Infinity, max = Infinity, integer = false): Check =>
  (v, p, cx) => {
    if (
      typeof v !== 'number' ||
      !Number.isFinite(v) ||
      v < min ||
      v > max ||
      (integer && !Number.isInteger(v))
    )
      cx._add(
        p,
        `must be ${integer ? 'a whole number' : 'a number'}${
          max < Infinity ? ` between ${min} and ${max}` : min > -Infinity ? ` of at least ${min}` : ''
        }, got ${kind(v)}`,
      );
  };
const percent = num(0, 100);
const positive = num(0);
const oneOf =
  (...values: string[]): Check =>
  (v, p, cx) => {
    if (!values.includes(v as string))
      cx._add(p, `must be one of ${values.map((x) => `"${x}"`).join(', ')}, got ${kind(v)}`);
  };
const id: Check = (v, p, cx) => {
  if (typeof v !== 'string' || !/^[a-z0-9_-]+$/.test(v))
    cx._add(p, `${kind(v)} is not a valid id: use lower-case letters, digits, "-" and "_"`);
};
const list =
  (item: Check, min = 0): Check =>
  (v, p, cx) => {
    if (!Array.isArray(v)) return cx._add(p, `must be a list, got ${kind(v)}`);
    if (v.length < min) cx._add(p, `must have at least ${min} item${min > 1 ? 's' : ''}`);
    for (const [i, x] of v.entries()) item(x, at(p, i), cx);
  };
const record =
  (value: Check): Check =>
  (v, p, cx) => {
    if (!isObj(v)) return cx._add(p, `must be an object, got ${kind(v)}`);
    for (const k of Object.keys(v)) value(v[k], at(p, k), cx);
  };
const obj =
  (fields: Fields): Check =>
  (v, p, cx) => {
    if (!isObj(v)) return cx._add(p, `must be an object, got ${kind(v)}`);
    for (const k in fields) {
      const [check, required] = fields[k]!;
      if (Object.hasOwn(v, k)) check(v[k], at(p, k), cx);
      else if (required) cx._add(at(p, k), `"${k}" is required`);
    }
    for (const k of Object.keys(v)) if (!Object.hasOwn(fields, k)) unknownKey(k, Object.keys(fields), p, cx);
  };
/**
 * An unknown key is ignored with a warning, unless it is a known key misspelt (`audeince`):
 * then what it meant to say would silently not apply (an audience of everyone), so it is an
 * error and the part is dropped.
 */
function unknownKey(k: string, known: string[], p: Path, cx: Cx): void {
  const meant = nearest(k, known, k.length < 5 ? 1 : 2);
  if (meant) cx._add(at(p, k), `unknown key "${k}": did you mean "${meant}"?`);
  else cx._add(at(p, k), `unknown key "${k}" is ignored`, true);
}
/** A union discriminated by `field` (`type` of actions and goals, `on` of triggers). */
const byKey =
  (field: string, variants: Record<string, Fields>, what: string): Check =>
  (v, p, cx) => {
    if (!isObj(v)) return cx._add(p, `must be an object, got ${kind(v)}`);
    const t = v[field];
    const fields = typeof t === 'string' && Object.hasOwn(variants, t) ? variants[t] : undefined;
    if (!fields)
      return cx._add(
        at(p, field),
        `${kind(t)} is not a known ${what}; use one of ${Object.keys(variants)
          .map((x) => `"${x}"`)
          .join(', ')}`,
      );
    obj({ [field]: [() => {}, 1], ...fields })(v, p, cx);
  };

const selector: Check = (v, p, cx) => {
  if (typeof v !== 'string' || !v.trim()) return cx._add(p, `must be a CSS selector, got ${kind(v)}`);
  const ok = cx._selector(v);
  if (ok !== true) cx._add(p, `"${v}" is not a valid CSS selector${ok ? `: ${ok}` : ''}`);
};
const regex: Check = (v, p, cx) => {
  try {
    new RegExp(v as string);
    if (typeof v !== 'string') throw 0;
  } catch {
    return cx._add(p, `${kind(v)} is not a valid regular expression`);
  }
  // The same refusals as the tags (see compileRegex), explained: values a visitor controls (the
  // URL, the referrer, UTM parameters) reach these regexes, and a backtracking engine can spend
  // seconds to hours on a crafted one.
  const risk = regexRisk(v);
  if (risk < 3) return;
  if (risk === Infinity)
    cx._add(
      p,
      `${say(v)} is refused: a repeated group contains a repetition or "|" (like (a+)+ or (a|ab)*), which a crafted URL can make run for minutes and freeze the page; repeat a character class instead, e.g. ^[a-z0-9-]+$`,
    );
  else
    cx._add(
      p,
      `${say(v)} is refused: more than 2 unbounded repetitions (*, +, {n,}, {n,10+} or backreferences), and each one multiplies the time a long crafted URL can take`,
    );
};
const url: Check = (v, p, cx) => {
  if (typeof v !== 'string') return cx._add(p, `must be a URL, got ${kind(v)}`);
  // Templates are filled (URL-encoded) at run time; they cannot add a scheme.
  if (!isSafeUrl(v.replace(/\{\{[^}]*\}\}/g, 'x')))
    cx._add(p, `"${v}" is refused: only http, https, mailto, tel and relative URLs are allowed`);
};
const date: Check = (v, p, cx) => {
  if (
    typeof v !== 'string' ||
    !/^\d{4}-\d\d-\d\d(T\d\d:\d\d(:\d\d(\.\d+)?)?(Z|[+-]\d\d:?\d\d)?)?$/.test(v) ||
    Number.isNaN(Date.parse(v))
  )
    cx._add(p, `${kind(v)} is not an ISO 8601 date such as "2026-11-01T00:00:00Z"`);
};
const pathPattern: Check = (v, p, cx) =>
  typeof v === 'string' ? undefined : obj({ regex: [regex, 1] })(v, p, cx);
const classes = list(text);

/* ----------------------------------------------------------------- conditions */

const OPERATORS =
  '$eq $ne $gt $gte $lt $lte $in $nin $exists $type $regex $ini $nini $regexi $elemMatch $size $all $alli $not $veq $vne $vgt $vgte $vlt $vlte'.split(
    ' ',
  );

const contextPath: Check = (v, p, cx) => {
  const wrong = contextPathProblem(v as string);
  if (wrong) cx._add(p, wrong);
};

/**
 * A condition on the context (`paths`: its keys are context paths, checked against the list), or
 * on the elements of a list inside `$elemMatch` (their keys are the elements' own fields).
 */
const conditionOn = (paths: boolean): Check => {
  const self: Check = (v, p, cx) => {
    if (!isObj(v)) return cx._add(p, `must be a condition object, got ${kind(v)}`);
    for (const k of Object.keys(v)) {
      const x = v[k];
      const q = at(p, k);
      if (k === '$and' || k === '$or' || k === '$nor') list(self)(x, q, cx);
      else if (k === '$not') self(x, q, cx);
      else if (k === '$segment') {
        // A segment dropped for its own mistake was reported once, where it is: what uses it is
        // dropped with it and named in that report, not reported again as "not declared".
        if (typeof x === 'string' && cx._dropped.has(x)) cx._uses(x, p);
        else if (typeof x !== 'string' || !cx._segments.has(x))
          cx._add(
            q,
            `segment ${kind(x)} is not declared${show(p).startsWith('segments') ? ' before this segment' : ''}`,
          );
      } else if (k[0] === '$') cx._add(q, `unknown operator "${k}"`);
      else {
        if (paths) contextPath(k, q, cx);
        operand(x, q, cx);
      }
    }
  };
  return self;
};
const condition = conditionOn(true);
const elementCondition = conditionOn(false);

function operand(v: unknown, p: Path, cx: Cx): void {
  if (!isObj(v) || !Object.keys(v).length || !Object.keys(v).every((k) => k[0] === '$')) return;
  for (const op of Object.keys(v)) {
    const x = v[op];
    const q = at(p, op);
    if (!OPERATORS.includes(op)) cx._add(q, `unknown operator "${op}"`);
    else if (/^\$(n?ini?|all|alli)$/.test(op)) list(() => {})(x, q, cx);
    else if (op === '$regex' || op === '$regexi') regex(x, q, cx);
    else if (op === '$not' || op === '$size') operand(x, q, cx);
    else if (op === '$elemMatch') {
      if (isObj(x) && Object.keys(x).every((k) => k[0] === '$')) operand(x, q, cx);
      else elementCondition(x, q, cx);
    } else if (op === '$type')
      oneOf('string', 'number', 'boolean', 'array', 'object', 'null', 'undefined')(x, q, cx);
  }
}

/* ----------------------------------------------------------------- actions, experiences */

const attrName: Check = (v, p, cx) => {
  if (typeof v !== 'string' || !/^[^\s"'>/=]+$/.test(v))
    return cx._add(p, `${kind(v)} is not a valid attribute name`);
  if (/^on/i.test(v))
    cx._add(p, `the attribute "${v}" is refused: event handler attributes (on…) are not allowed`);
};

const S: [Check, 1] = [selector, 1];
const V: [Check, 1] = [str, 1];
const ACTIONS: Record<string, Fields> = {
  text: { selector: S, value: V },
  html: { selector: S, value: V },
  attr: { selector: S, name: [attrName, 1], value: V },
  class: { selector: S, add: [classes], remove: [classes] },
  style: { selector: S, value: [record(str), 1] },
  css: { value: V },
  hide: { selector: S },
  insert: { selector: S, position: [oneOf('before', 'after', 'prepend', 'append'), 1], value: V },
  cta: { selector: S, text: [str], href: [url], add: [classes] },
  banner: { value: V, position: [oneOf('top', 'bottom')], dismissible: [bool], theme: [str] },
  overlay: { value: V, layout: [oneOf('modal', 'slide-in')], dismissible: [bool] },
  reorder: { selector: S, items: S, key: [attrName, 1] },
  redirect: { url: [url, 1] },
};
const actionCheck = byKey('type', ACTIONS, 'action type');
const action: Check = (v, p, cx) => {
  actionCheck(v, p, cx);
  // URL attributes accept only safe schemes (docs/experiences.md#actions).
  if (isObj(v) && v.type === 'attr' && typeof v.name === 'string' && URL_ATTR.test(v.name))
    url(v.value, at(p, 'value'), cx);
};

const TRIGGERS: Record<string, Fields> = {
  load: {},
  delay: { value: [positive, 1] },
  scroll: { value: [percent, 1] },
  exit: {},
  click: { value: S },
};

const goalName: Check = (v, p, cx) => {
  if (typeof v !== 'string' || !cx._goals.has(v)) cx._add(p, `goal ${kind(v)} is not defined in "goals"`);
};

const hours: Check = (v, p, cx) => {
  list(num(0, 23, true))(v, p, cx);
  if (Array.isArray(v) && v.length !== 2) cx._add(p, `must be [from, to], two hours between 0 and 23`);
};

const variant = obj({ id: [id, 1], weight: [positive], actions: [list(action)] });

const experienceCheck = obj({
  id: [id, 1],
  name: [str],
  status: [oneOf('live', 'draft', 'paused')],
  audience: [condition],
  pages: [obj({ include: [list(pathPattern)], exclude: [list(pathPattern)] })],
  schedule: [obj({ start: [date], end: [date], weekdays: [list(num(0, 6, true))], hours: [hours] })],
  priority: [num()],
  layer: [text],
  traffic: [percent],
  holdout: [percent],
  unit: [(v, p, cx) => (typeof v === 'string' && v.trim() ? contextPath(v, p, cx) : text(v, p, cx))],
  salt: [text],
  trigger: [byKey('on', TRIGGERS, 'trigger')],
  frequency: [
    obj({ perSession: [num(0, Infinity, true)], total: [num(0, Infinity, true)], dismissDays: [positive] }),
  ],
  variants: [list(variant, 1), 1],
  goals: [list(goalName)],
});

function experience(v: unknown, p: Path, cx: Cx): void {
  experienceCheck(v, p, cx);
  if (!isObj(v)) return;
  const variants = Array.isArray(v.variants) ? v.variants : [];
  const seen = new Set<unknown>();
  variants.forEach((x, i) => {
    const vid = isObj(x) ? x.id : undefined;
    if (vid === 'holdout' || vid === 'global-holdout')
      cx._add(
        at(at(at(p, 'variants'), i), 'id'),
        `"${vid}" is reserved for holdouts; choose another variant id`,
      );
    else if (seen.has(vid)) cx._add(at(at(at(p, 'variants'), i), 'id'), `variant id "${vid}" is used twice`);
    seen.add(vid);
  });
  if (typeof v.holdout === 'number' && v.holdout > 0 && variants.length !== 1)
    cx._add(
      at(p, 'holdout'),
      'a holdout applies only to single-variant experiences; it is ignored here',
      true,
    );
  const s = v.schedule;
  if (
    isObj(s) &&
    typeof s.start === 'string' &&
    typeof s.end === 'string' &&
    Date.parse(s.start) >= Date.parse(s.end)
  )
    cx._add(at(at(p, 'schedule'), 'end'), `the end ${say(s.end)} is not after the start ${say(s.start)}`);
}

/* ----------------------------------------------------------------- top level */

const goalCheck = byKey(
  'type',
  {
    pageview: { path: [pathPattern, 1], value: [num()] },
    click: { selector: S, value: [num()] },
    submit: { selector: S, value: [num()] },
    event: { value: [num()] },
  },
  'goal type',
);

/** Score weights: a number per context path. */
const weights: Check = (v, p, cx) => {
  record(num())(v, p, cx);
  if (isObj(v)) for (const k of Object.keys(v)) contextPath(k, at(p, k), cx);
};

const remoteSource = obj({ url: [url, 1], timeoutMs: [positive], ttlSeconds: [positive] });

/** Optional top-level blocks: a bad one is dropped (its defaults apply) and reported. */
const BLOCKS: Fields = {
  revision: [str],
  endpoint: [url],
  consent: [obj({ mode: [oneOf('none', 'opt-out', 'opt-in')], respectGpc: [bool] })],
  holdout: [obj({ percent: [percent, 1] })],
  categories: [record(pathPattern)],
  affinityHalfLifeDays: [num(Number.MIN_VALUE)],
  journey: [
    obj({
      engagedPageviews: [positive],
      loyalPurchases: [positive],
      lapsedDays: [positive],
      purchaseGoal: [text],
    }),
  ],
  scores: [
    record(
      obj({
        bias: [num()],
        weights: [weights, 1],
      }),
    ),
  ],
  remote: [record(remoteSource)],
  dataLayer: [list(text)],
  analytics: [obj({ dataLayer: [bool] })],
  redirectHosts: [list(text)],
  excludeAutomation: [bool],
  qa: [bool],
  published: [obj({ v: [num(1, 1), 1], hash: [text, 1], paths: [list(str), 1], features: [list(str), 1] })],
};
const TOP = ['$schema', 'version', 'site', 'segments', 'goals', 'experiences', ...Object.keys(BLOCKS)];

function domSelectorCheck(s: string): boolean {
  const doc = (globalThis as { document?: Document }).document;
  if (!doc) return true; // no DOM (Node): the CLI passes a parser-based check instead
  try {
    doc.createDocumentFragment().querySelector(s);
    return true;
  } catch {
    return false;
  }
}

export function validateManifest(
  json: unknown,
  /** `isValidSelector`: true when valid; false, or why as text, when not (the CLI says why). */
  options: { isValidSelector?: (selector: string) => boolean | string } = {},
): ValidationResult {
  const problems: ManifestProblem[] = [];
  const fail = (path: string, message: string): ValidationResult => ({
    manifest: null,
    problems: [{ path, message, severity: 'error' }],
  });
  try {
    if (!isObj(json)) return fail('', `the manifest must be a JSON object, got ${kind(json)}`);
    if (json.version !== 1)
      return fail(
        'version',
        `version ${kind(json.version)} is not supported; this version of Tailor reads version 1`,
      );
    if (typeof json.site !== 'string' || !json.site.trim())
      return fail(
        'site',
        `"site" is required: a non-empty name sent with every beacon, got ${kind(json.site)}`,
      );

    const out: Record<string, unknown> = { version: 1, site: json.site };
    const segments = new Set<string>();
    const goals = new Set<string>();
    /** Runs `check` on a part; returns whether it had errors (its problems are kept either way). */
    /** Segments dropped for their own errors: their first error, and what is dropped with them. */
    const dropped = new Map<string, { first: ManifestProblem | undefined; users: string[] }>();
    /** The segment whose own error dropped a segment that only used it. */
    const rootOf = new Map<string, string>();
    /** The dropped segment the last part used, if it was dropped for that alone. */
    let usedRoot: string | undefined;
    /** The first error of the last part that had one. */
    let lastError: ManifestProblem | undefined;
    /** Runs `check` on a part; returns whether it had errors (its problems are kept either way). */
    const part = (check: Check, v: unknown, path: Path, label = show(path)): boolean => {
      let bad = false;
      const from = problems.length;
      usedRoot = undefined;
      check(v, path, {
        _add(p, message, warning) {
          problems.push({ path: show(p), message, severity: warning ? 'warning' : 'error' });
          if (!warning) bad = true;
        },
        _selector: options.isValidSelector || domSelectorCheck,
        _segments: segments,
        _dropped: dropped,
        _uses(name) {
          bad = true;
          usedRoot = rootOf.get(name) ?? name;
          const users = dropped.get(usedRoot)!.users;
          if (!users.includes(label)) users.push(label);
        },
        _goals: goals,
      });
      lastError = bad ? problems.slice(from).find((x) => x.severity === 'error') : undefined;
      return bad;
    };

    if (Object.hasOwn(json, '$schema')) out.$schema = json.$schema;
    for (const k of Object.keys(json)) {
      if (!TOP.includes(k)) {
        // At the top level a misspelt block stays a warning: there is no part to drop for it.
        const meant = nearest(k, TOP, k.length < 5 ? 1 : 2);
        problems.push({
          path: show(at('', k)),
          message: `unknown key "${k}" is ignored${meant ? `; did you mean "${meant}"?` : ''}`,
          severity: 'warning',
        });
      }
    }
    for (const k in BLOCKS) if (Object.hasOwn(json, k) && !part(BLOCKS[k]![0], json[k], k)) out[k] = json[k];

    const keep = (key: 'segments' | 'goals', check: Check, names: Set<string>) => {
      const src = json[key];
      if (src === undefined) return;
      if (!isObj(src))
        return void part(
          record(() => {}),
          src,
          key,
        );
      const kept: Record<string, unknown> = {};
      for (const name of Object.keys(src)) {
        if (!part(check, src[name], at(key, name), `${key.slice(0, -1)} "${name}"`)) kept[name] = src[name];
        else if (key === 'segments') {
          // Dropped for its own mistake, or only for using a dropped segment (then what uses
          // this one is named in that segment's report).
          if (lastError || !usedRoot) dropped.set(name, { first: lastError, users: [] });
          else dropped.set(name, dropped.get(usedRoot)!), rootOf.set(name, usedRoot);
          continue;
        }
        // Declared after checking, so a segment cannot use itself or later ones.
        names.add(name);
      }
      out[key] = kept;
    };
    keep('segments', condition, segments);
    keep('goals', goalCheck, goals);
    for (const n of goals) if (!Object.hasOwn(out.goals as object, n)) goals.delete(n);

    const purchase = (out.journey as { purchaseGoal?: string } | undefined)?.purchaseGoal;
    if (purchase && !goals.has(purchase))
      problems.push({
        path: 'journey.purchaseGoal',
        message: `goal "${purchase}" is not defined in "goals"`,
        severity: 'warning',
      });

    if (Object.hasOwn(json, 'experiences')) {
      const exps = json.experiences;
      if (!Array.isArray(exps))
        part(
          list(() => {}),
          exps,
          'experiences',
        );
      else {
        const ids = new Set<unknown>();
        out.experiences = exps.filter((e, i) => {
          const path = at('experiences', i);
          const eid = isObj(e) ? e.id : undefined;
          let bad = part(experience, e, path, typeof eid === 'string' ? `experience "${eid}"` : show(path));
          if (ids.has(eid)) {
            bad = part(
              (_, p, cx) => cx._add(p, `experience id "${eid}" is used twice; ids must be unique`),
              eid,
              at(path, 'id'),
            );
          }
          ids.add(eid);
          return !bad;
        });
      }
    }
    // One mistake, one message: what a dropped segment takes with it is said where it is dropped.
    for (const [name, { first, users }] of dropped)
      if (first && users.length && !rootOf.has(name))
        first.message += ` (segment "${name}" is dropped, and with it ${users.join(', ')}, which use${users.length > 1 ? '' : 's'} it)`;
    return { manifest: out as unknown as Manifest, problems };
  } catch (e) {
    // Defensive: validation must never throw into the page.
    return fail('', `the manifest could not be read: ${(e as Error)?.message}`);
  }
}
