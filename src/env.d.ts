/**
 * Build-time flag: `true` in development/test builds, replaced with `false` in every
 * published file by rollup so dev-only diagnostics are dropped by terser.
 */
declare const __DEV__: boolean;
