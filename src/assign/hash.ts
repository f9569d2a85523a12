/**
 * murmur3_x86_32 over the UTF-8 bytes of a string (docs/experiences.md#assignment). UTF-8 is produced inline from
 * UTF-16 (surrogate pairs joined, lone surrogates as U+FFFD like TextEncoder), so no
 * TextEncoder allocation per call.
 */
export function murmur3(key: string, seed = 0): number {
  let h = seed >>> 0;
  let k = 0;
  let n = 0; // bytes in k
  let len = 0;
  const rotl = (x: number, r: number) => (x << r) | (x >>> (32 - r));
  /** Mixes a (full or tail) block `k` into `h`. */
  const mixK = () => {
    h ^= Math.imul(rotl(Math.imul(k, 0xcc9e2d51), 15), 0x1b873593);
  };
  const byte = (b: number) => {
    k |= b << (n * 8);
    len++;
    if (++n === 4) {
      mixK();
      h = (Math.imul(rotl(h, 13), 5) + 0xe6546b64) | 0;
      k = n = 0;
    }
  };
  for (let i = 0; i < key.length; i++) {
    // A surrogate pair is one code point (two code units); a lone surrogate encodes as U+FFFD.
    let c = key.codePointAt(i)!;
    if (c > 0xffff) i++;
    else if (c >= 0xd800 && c < 0xe000) c = 0xfffd;
    if (c < 0x80) byte(c);
    else {
      // UTF-8: a lead byte (110xxxxx, 1110xxxx or 11110xxx: `0xff80 >> extra` keeps 1 + extra
      // high bits set), then `extra` continuation bytes of 6 bits each (10xxxxxx).
      const extra = c < 0x800 ? 1 : c < 0x10000 ? 2 : 3;
      byte(((0xff80 >> extra) & 0xff) | (c >> (6 * extra)));
      for (let shift = 6 * extra - 6; shift >= 0; shift -= 6) byte(0x80 | ((c >> shift) & 63));
    }
  }
  if (n) mixK();
  h ^= len;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}
