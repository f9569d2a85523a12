/** The one-line apps measured, by the export they import. */
export const APPS: Record<'bucket' | 'matches' | 'validateManifest' | 'createTailor', string>;
/** Gzip -9 bytes an app loads at once (`entry`) and in chunks loaded when used (`lazy`). */
export function importSize(
  name: keyof typeof APPS,
  options: { bundler: 'esbuild' | 'rollup'; guard?: boolean },
): Promise<{ entry: number; lazy: number }>;
/** Gzip -9 bytes of `code`. */
export function gz(code: string | Uint8Array): number;
/** Runs `fn` on an app folder holding `source` as app.js, where `tailorjs` is this repository. */
export function withApp<T>(source: string, fn: (entry: string, dir: string) => Promise<T> | T): Promise<T>;
