/**
 * ua-parser-js behind the device signal: the full tag's `ua` chunk (src/ua-tag.ts), and what the
 * npm build `import()`s when a manifest reads device details (src/ua.ts).
 */
export { readDevice } from './signals/device';
