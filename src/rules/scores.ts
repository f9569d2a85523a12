import type { Manifest } from '../manifest/types';
import { compilePath } from './path';

/**
 * Logistic scores (docs/manifest.md): `1 / (1 + e^-(bias + Σ weight·value))`. Numbers count as they
 * are, booleans as 1/0; strings, null and missing values count 0.
 */
export function computeScores(models: Manifest['scores'], context: unknown): Record<string, number> {
  const out: Record<string, number> = {};
  for (const name in models) {
    const m = models[name]!;
    let z = Number(m.bias) || 0;
    for (const path in m.weights) {
      const v = compilePath(path)(context);
      const x = Number.isFinite(v) ? (v as number) : typeof v === 'boolean' ? +v : 0;
      z += (Number(m.weights[path]) || 0) * x;
    }
    out[name] = 1 / (1 + Math.exp(-z));
  }
  return out;
}
