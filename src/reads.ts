import type { Manifest } from './manifest/types';

/** A published manifest's stamp, when it is one this tag knows (checked in constant time). */
export const stampOf = (m: Manifest) => {
  const p = m.published;
  return p && p.v === 1 && Array.isArray(p.paths) && Array.isArray(p.features) ? p : null;
};

/**
 * Whether a manifest reads what `re` matches, for the tags' chunks: the stamp of a published
 * manifest lists the context paths and features it uses; an unpublished one is searched as text
 * once.
 */
export function readsOf(m: Manifest): (re: RegExp) => boolean {
  let text: string | undefined;
  return (re) => {
    const stamp = stampOf(m);
    text ??= stamp ? [...stamp.paths, ...stamp.features].join('\n') : JSON.stringify(m);
    return re.test(text);
  };
}
