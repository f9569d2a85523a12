/**
 * murmur3_x86_32 over the UTF-8 bytes of a string (SPEC §7). UTF-8 is produced inline from
 * UTF-16 (surrogate pairs joined, lone surrogates as U+FFFD like TextEncoder), so no
 * TextEncoder allocation per call.
 */
export function murmur3(key: string, seed = 0): number {
  let h = seed >>> 0;
  let k = 0;
  let n = 0; // bytes in k
  let len = 0;
  const c1 = 0xcc9e2d51;
  const c2 = 0x1b873593;
  const byte = (b: number) => {
    k |= b << (n * 8);
    len++;
    if (++n === 4) {
      k = Math.imul(k, c1);
      k = (k << 15) | (k >>> 17);
      h ^= Math.imul(k, c2);
      h = (h << 13) | (h >>> 19);
      h = (Math.imul(h, 5) + 0xe6546b64) | 0;
      k = n = 0;
    }
  };
  for (let i = 0; i < key.length; i++) {
    let c = key.charCodeAt(i);
    if (c >= 0xd800 && c < 0xe000) {
      const d = key.charCodeAt(i + 1);
      if (c < 0xdc00 && d >= 0xdc00 && d < 0xe000) {
        c = 0x10000 + ((c - 0xd800) << 10) + (d - 0xdc00);
        i++;
      } else c = 0xfffd;
    }
    if (c < 0x80) byte(c);
    else if (c < 0x800) byte(0xc0 | (c >> 6)), byte(0x80 | (c & 63));
    else if (c < 0x10000) byte(0xe0 | (c >> 12)), byte(0x80 | ((c >> 6) & 63)), byte(0x80 | (c & 63));
    else
      byte(0xf0 | (c >> 18)),
        byte(0x80 | ((c >> 12) & 63)),
        byte(0x80 | ((c >> 6) & 63)),
        byte(0x80 | (c & 63));
  }
  if (n) {
    k = Math.imul(k, c1);
    k = (k << 15) | (k >>> 17);
    h ^= Math.imul(k, c2);
  }
  h ^= len;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}
