/** The `device` chunk of the lite tag: the small classifier behind the device signal (src/ua-tag.ts). */
export { readDevice } from './signals/device-lite';
