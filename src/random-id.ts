/**
 * `length` url-safe random characters from `crypto.getRandomValues` (docs/events.md: event ids of
 * 16+ chars): the base64url encoding of `length` random bytes, cut to `length` characters.
 * Every character of it carries 6 random bits, so all 64 symbols are equally likely.
 */
export function randomId(length = 22): string {
  const bytes = globalThis.crypto.getRandomValues(new Uint8Array(length));
  return btoa(String.fromCharCode(...bytes))
    .slice(0, length)
    .replace(/\+/g, '-')
    .replace(/\//g, '_');
}
