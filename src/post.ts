/**
 * The post-paint part of the script tags, `tailor.post.js`: what a first paint does not need
 * (beacons, banners and overlays, delayed triggers). The tags load it from their own address
 * once the first decision is rendered, or at once when a load-triggered banner waits for it;
 * the npm build has it in the module graph (src/parts.ts).
 */

export { listenPage } from './navigation';
export { onTrigger } from './render/triggers';
// Named by action type: the renderer shows an action with `post[action.type]`.
export { showBanner as banner, showOverlay as overlay } from './render/widgets';
export { watchGoals } from './track/goals';
export { createTransport } from './track/transport';
