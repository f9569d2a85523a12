/**
 * Loads the runtime's parts (src/parts.ts) before a unit test that checks what they do rather
 * than when they arrive: once loaded, they are at hand at once, as in an app that has used them.
 * (test/unit/parts.test.ts checks the loading itself.)
 */
import { loadExtras, loadPost, loadRemote, loadTables } from '../src/parts';

export const partsNow = () => Promise.all([loadPost(), loadTables(), loadExtras(), loadRemote()]);
