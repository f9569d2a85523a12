import path from 'node:path';
import { pathToFileURL } from 'node:url';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { bucket } from '../../../src/assign/bucket';
import { murmur3 } from '../../../src/assign/hash';
import { budget } from '../../budget';
import vectors from '../../fixtures/hash-vectors.json';

/** A plain reference implementation over TextEncoder bytes, to check the bytes murmur3 hashes (UTF-8, lone surrogates as U+FFFD). */
function reference(key: string): number {
  const b = new TextEncoder().encode(key);
  const c1 = 0xcc9e2d51;
  const c2 = 0x1b873593;
  let h = 0;
  const blocks = b.length & ~3;
  for (let i = 0; i < blocks; i += 4) {
    let k = b[i]! | (b[i + 1]! << 8) | (b[i + 2]! << 16) | (b[i + 3]! << 24);
    k = Math.imul(k, c1);
    k = (k << 15) | (k >>> 17);
    h ^= Math.imul(k, c2);
    h = (h << 13) | (h >>> 19);
    h = (Math.imul(h, 5) + 0xe6546b64) | 0;
  }
  let k = 0;
  for (let i = b.length - 1; i >= blocks; i--) k = (k << 8) | b[i]!;
  if (b.length & 3) {
    k = Math.imul(k, c1);
    k = (k << 15) | (k >>> 17);
    h ^= Math.imul(k, c2);
  }
  h ^= b.length;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

const dist = () =>
  import(/* @vite-ignore */ pathToFileURL(path.resolve(__dirname, '../../../dist/index.js')).href);

describe('murmur3 test vectors (docs/experiences.md#assignment)', () => {
  it.each(vectors.murmur3)('murmur3(%j) = %i', (key, expected) => {
    expect(murmur3(key as string)).toBe(expected);
  });

  it(
    'matches a TextEncoder-based reference on random strings, surrogate pairs and lone surrogates included',
    () => {
      fc.assert(
        fc.property(
          fc.oneof(
            fc.string({ unit: 'binary', maxLength: 40 }),
            fc.string({ unit: 'grapheme', maxLength: 20 }),
            fc.string({ maxLength: 40 }),
          ),
          (s) => {
            expect(murmur3(s)).toBe(reference(s));
          },
        ),
        { numRuns: 2000 },
      );
      expect(murmur3('a\uD800b')).toBe(reference('a\uD800b'));
      expect(murmur3('\uDC00')).toBe(reference('\uDC00'));
    },
    budget(30_000),
  );
});

describe('bucket test vectors (docs/experiences.md#assignment)', () => {
  it.each(vectors.bucket)('bucket(%j) = %f', (key, expected) => {
    expect(bucket(key as string).toFixed(6)).toBe((expected as number).toFixed(6));
  });

  it.each(vectors.bucket)('the built dist/index.js gives bucket(%j) = %f', async (key, expected) => {
    const { bucket: built } = await dist();
    expect(built(key).toFixed(6)).toBe((expected as number).toFixed(6));
  });

  it('stays in [0, 1)', () => {
    fc.assert(fc.property(fc.string(), (s) => bucket(s) >= 0 && bucket(s) < 1));
  });
});
