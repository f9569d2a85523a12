/**
 * tailorjs — the npm entry. Importing it has no side effects and touches no browser global
 * (SSR-safe); everything happens in `createTailor(...).start()`.
 */
export { bucket } from './assign/bucket';
export { validateManifest } from './manifest/validate';
export { matches } from './rules/condition';
export { createTailor } from './runtime';
export type * from './manifest/types';
