import { murmur3 } from './hash';

/** `murmur3_x86_32(utf8(key), seed 0) / 2^32`: a number in [0, 1) (docs/experiences.md#assignment). */
export function bucket(key: string): number {
  return murmur3(String(key)) / 4294967296;
}
