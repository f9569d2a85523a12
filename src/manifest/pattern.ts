import type { PathPattern } from './types';

/**
 * The tags' quick check of a manifest regex, on its source text: a group holding a repetition
 * or a `|` and itself repeated (`(a+)+`, `([a-z]+-?)+`, `(a|aa)*`) can take exponential time on
 * a crafted value; more than two unbounded repetitions (`*`, `+`, `{n,}`: each one multiplies
 * the worst case by the value's length) is too slow on a long one. Returns how many characters
 * of a value the regex may test, 0 when it is refused: 2,048 (the longest URL many servers,
 * CDNs and sitemaps accept, so real URLs fit), 256 with two unbounded repetitions (cubic in
 * V8: ~20 s at 2 KB, ~40 ms at 256). Escapes and classes count too (`\+`, `[*]`): cheap and on
 * the safe side. `regexRisk` is the validator's finer check.
 */
export const regexLimit = (source: string): number => {
  const n = source.split(/[*+]|,}/).length;
  return n > 3 || /\([^)]*[*+{|][^)]*\)[*+{]/.test(source) ? 0 : n > 2 ? 256 : 2048;
};

/**
 * The validator's check (Node, no size budget): unbounded repetitions counted outside escapes
 * and classes (`{n,mm}` and backreferences included), or Infinity when a repeated group holds a
 * repetition or a `|` at any depth (`((a)+)+`, `(?:a?b?)*`), which the quick check misses.
 */
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
