/**
 * The script tags' conditions: compiled at once (rollup.config.mjs swaps this file in for
 * tiered.ts). The JSON reader of the first evaluations costs ~550 B gzip, more than the tags'
 * size budget leaves; the npm build keeps it.
 */
export { compileCondition as tieredCondition } from './condition';
