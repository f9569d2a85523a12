/** The one-line apps measured, by the export they import. */
export const APPS: Record<'bucket' | 'matches' | 'validateManifest' | 'createTailor', string>;
/** Gzip -9 bytes an app loads at once (`entry`) and in chunks loaded when used (`lazy`). */
export function importSize(
  name: keyof typeof APPS,
  options: { bundler: 'esbuild' | 'rollup'; guard?: boolean },
): Promise<{ entry: number; lazy: number }>;
