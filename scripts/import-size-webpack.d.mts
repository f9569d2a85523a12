import type { APPS } from './import-size.mjs';

/** webpack's `webpack()` (the package's default export), as the script loads it. */
export type Webpack = ((config: object) => unknown) & { version: string };
/** webpack, from the repository's node_modules or `dir`'s (WEBPACK_DIR); null when neither has it. */
export function loadWebpack(dir?: string): Promise<Webpack | null>;
/** Gzip -9 bytes an app bundled by webpack 5 loads at once (`entry`) and in chunks loaded when used (`lazy`). */
export function importSizeWebpack(
  webpack: Webpack,
  name: keyof typeof APPS,
): Promise<{ entry: number; lazy: number }>;
/** webpack's own runtime in the first chunk of an app with one `import()`. */
export function webpackRuntime(webpack: Webpack): Promise<{ entry: number; lazy: number }>;
