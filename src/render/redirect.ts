/**
 * Where a `redirect` action (docs/experiences.md#actions) may take the visitor: same origin or a
 * host of `redirectHosts`, http, https or relative URLs only. The current page's query parameters
 * go along, except those the target names itself. Pure: the runtime records the exposure and
 * leaves.
 */
import { isSafeUrl } from '../manifest/safe-url';

/**
 * The target as a URL; null when it is the current page (nothing to do); or, when it is
 * refused, why, as a sentence.
 */
export function redirectTarget(
  raw: string,
  here: Location | URL,
  hosts: readonly string[] = [],
): URL | string | null {
  if (!isSafeUrl(raw)) return `the redirect to "${raw}" is refused: only http, https and relative URLs`;
  let to: URL;
  try {
    to = new URL(raw, here.href);
  } catch {
    return `the redirect to "${raw}" is refused: it is not a valid URL`;
  }
  if (to.origin !== here.origin && !hosts.includes(to.host))
    return `the redirect to ${to.host} is refused: the host is not in redirectHosts`;
  for (const [k, v] of new URLSearchParams(here.search))
    if (!to.searchParams.has(k)) to.searchParams.append(k, v);
  return to.href.split('#')[0] === here.href.split('#')[0] ? null : to;
}
