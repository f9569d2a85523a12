import type * as check from './check';
import type * as extras from './extras';
import type * as post from './post';
import type * as remote from './signals/remote';
import type * as tables from './signals/tables';

/** The full validator for unpublished manifests (src/check.ts). */
export type Check = typeof check;
/** Categories, affinity, journey and scores (src/extras.ts). */
export type Extras = typeof extras;
/** The post-paint part (src/post.ts). */
export type Post = typeof post;
/** Remote data sources (src/signals/remote.ts). */
export type Remote = typeof remote;
/** The lookup tables (src/signals/tables.ts). */
export type Tables = typeof tables;

/** Runs `fn` with a part now if it is there, else when it arrives; a part that fails to load goes to `fail`. */
export function withPart<T>(part: T | Promise<T>, fn: (m: T) => void, fail: (e: unknown) => void): void {
  if (part instanceof Promise)
    part.then((m) => {
      try {
        fn(m);
      } catch (e) {
        fail(e);
      }
    }, fail);
  else fn(part);
}
