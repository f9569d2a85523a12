/** The `ua` chunk of the full tag: ua-parser-js behind the device signal (src/ua-tag.ts). */
export { readDevice } from './signals/device';
