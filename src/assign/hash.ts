/**
 * murmur3_x86_32 over the UTF-8 bytes of a string (docs/experiences.md#assignment). The bytes
 * come from `unescape(encodeURIComponent(…))`, one character per byte (native, no TextEncoder
 * allocation per call); lone surrogates, which encodeURIComponent refuses, become U+FFFD first,
 * as TextEncoder makes them.
 */
export function murmur3(key: string, seed = 0): number {
  // With the `u` flag a surrogate pair is one code point, so only lone surrogates match. U+FFFD
  // is built from its code: a raw one in the minified tag would not survive a page that reads
  // the script in a legacy charset.
  const bytes = unescape(encodeURIComponent(key.replace(/[\ud800-\udfff]/gu, String.fromCharCode(0xfffd))));
  let h = seed >>> 0;
  let k = 0;
  const rotl = (x: number, r: number) => (x << r) | (x >>> (32 - r));
  /** Mixes a (full or tail) block `k` into `h`. */
  const mixK = () => {
    h ^= Math.imul(rotl(Math.imul(k, 0xcc9e2d51), 15), 0x1b873593);
  };
  for (let i = 0; i < bytes.length; i++) {
    // Little-endian blocks of 4 bytes.
    k |= bytes.charCodeAt(i) << ((i & 3) * 8);
    if ((i & 3) === 3) {
      mixK();
      h = (Math.imul(rotl(h, 13), 5) + 0xe6546b64) | 0;
      k = 0;
    }
  }
  if (bytes.length & 3) mixK();
  h ^= bytes.length;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}
