import type { PathPattern } from './types';

/**
 * How many characters of a value a manifest regex may test, 0 when it is refused. Refused: a
 * repeated group (`*`, `+`, `{…}`) that holds a repetition, an optional part or a `|` at any
 * depth (`(a+)+`, `([a-z]+-?)+`, `(a|aa)*`, `(.(?:ab)?){2,}`, `((a)+)+`): such a regex can take
 * exponential time on a crafted value; and more than two unbounded repetitions (`*`, `+`,
 * `{n,}`; a backreference counts as one), each of which multiplies the worst case by the value's
 * length. The limit is 2,048 characters (the longest URL many servers, CDNs and sitemaps accept,
 * so real URLs fit), 128 with two unbounded repetitions (cubic in V8, and an optional part after
 * one doubles it: seconds at 2 KB, up to half a second at 256, tens of milliseconds at 128, the
 * slowest found by a random search). The tags and the validator run this same check.
 */
export const regexLimit = (source: string): number => {
  const n = regexRisk(source);
  return n > 2 ? 0 : n > 1 ? 128 : 2048;
};

/** Unbounded repetitions of a regex, or Infinity when a repeated group repeats, is optional or alternates. */
export function regexRisk(source: string): number {
  let nested = 0;
  // Escapes and character classes are single atoms (a backreference repeats); group openers
  // such as `(?:` or `(?<name>` are plain `(`, so that a `?` left is always a quantifier.
  let s = source.replace(/\\(.)|\[(\\.|[^\]])*]|\(\?<?[=!:]?\w*>?/g, (m, e) =>
    m[0] === '(' ? '(' : /^[1-9k]$/.test(e) ? 'a*' : 'a',
  );
  // Innermost groups first: one followed by a quantifier must hold neither a quantifier nor a `|`;
  // it is then replaced by its content, which its enclosing group inherits.
  for (let t = ''; t !== s; ) {
    t = s;
    s = s.replace(/\(([^()]*)\)([*+{]?)/g, (_, body: string, q: string) => {
      if (q && /[*+?{|]/.test(body)) nested = 1;
      return body + q;
    });
  }
  return nested ? Infinity : (s.match(/[*+]|,(\d\d+)?\}/g) || []).length;
}

/**
 * Compiles a manifest regex into a test of at most `regexLimit` characters of a value, so that
 * no value a visitor controls (URL, referrer, UTM, traits) can block the page for long. Throws
 * a SyntaxError when invalid, `0` when refused.
 */
export function compileRegex(source: string, flags?: string): (value: string) => boolean {
  const re = new RegExp(source, flags);
  const limit = regexLimit(source);
  if (!limit) throw 0;
  return (v) => re.test(v.slice(0, limit));
}

/**
 * Compiles a path pattern: a glob where `*` matches any run of characters (slashes included)
 * and the whole path must match, or `{ "regex": "..." }`. An invalid or refused regex never
 * matches (the validator reports it); nothing throws.
 */
export function compilePathPattern(pattern: PathPattern): (path: string) => boolean {
  try {
    if (typeof pattern !== 'string') return compileRegex(pattern.regex);
    // Without backtracking: the first piece is a prefix, the last a suffix, and each one between
    // is found leftmost after the previous (leftmost leaves the most room for the rest), so a
    // path costs at most its length times the glob's: never the seconds a `.*` regex could.
    const pieces = pattern.split('*');
    const last = pieces.length - 1;
    return (path) => {
      let i = 0;
      return last
        ? pieces.every((p, k) => {
            if (k === last) return path.length - p.length >= i && path.endsWith(p);
            const at = k ? path.indexOf(p, i) : path.startsWith(p) ? 0 : -1;
            i = at + p.length;
            return at >= 0;
          })
        : path === pattern;
    };
  } catch {
    return () => false;
  }
}
