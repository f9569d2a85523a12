/**
 * Renders one assigned experience: waits for its trigger, applies its variant's actions and
 * calls `onExposed` each time one of its changes shows (docs/experiences.md, docs/events.md; the caller keeps one
 * exposure per page view). Returns the revert of everything it did. Reports refused or failed
 * actions through `report`; never throws.
 */
import { A_CSS, A_WIDGETS, HOLD_SCRIPT } from '../features';
import type { Action, Experience } from '../manifest/types';
import { loadPost, postURL } from '../parts';
import type { Post } from '../when';
import { withPart } from '../when';
import type { Change } from './actions';
import { applyToElement } from './actions';
import { toTrusted } from './html';
import { addStyle, pageNonce } from './style';
import { fillTemplate } from './template';
import type { Owner, Watcher } from './watch';
import { createWatcher, WAIT_MS } from './watch';

export interface RenderEnv {
  _win: Window;
  _watcher: Watcher;
  _scrollDepth(): number;
  _report(message: string, path: string): void;
}

/** The action types that change the element their `selector` names (docs/experiences.md#actions). */
const ELEMENT_TYPES = /^(text|html|attr|class|style|hide|insert|cta|reorder)$/;
/** Triggers other than on load: their listeners live in the post-paint part. */
const LATER = /^(delay|scroll|exit|click)$/;
/**
 * The longest a load-triggered banner holds the first paint for its code: the default of
 * `data-hide-timeout`, which does not change it.
 */
const HOLD_MS = 800;

/** The selectors whose presence means a variant "would have rendered" (for control and holdouts). */
function anchorSelector(experience: Experience): string | null {
  for (const v of experience.variants) {
    for (const a of v.actions || []) {
      // Actions are objects (the manifest check drops a variant with anything else).
      const selector = (a as { selector?: string }).selector;
      if (selector) return selector;
    }
  }
  return null;
}

export function renderExperience(
  experience: Experience,
  actions: readonly Action[],
  context: object,
  env: RenderEnv,
  onExposed: () => void,
  onDismiss: () => void,
  owner?: Owner,
): () => void {
  const reverts: (() => void)[] = [];
  const doc = env._win.document;
  const path = `experience "${experience.id}"`;
  let gone = false;
  /** Runs `fn` with the post-paint part (widgets, triggers), at once or when it has loaded. */
  const later = (fn: (p: Post) => void, report: (message: string) => void) =>
    withPart(
      loadPost(),
      (p) => gone || fn(p),
      (e) => report(`${(e as Error)?.message || e}`),
    );

  /** Watches `selector`: exposed when a change shows, failures go to `fail`. Returns its revert. */
  const watch = (
    selector: string,
    change: (el: Element) => Change,
    fail: (message: string) => void,
    by?: Owner,
    anchor?: boolean,
  ) => {
    const revert = env._watcher._add({
      _selector: selector,
      _apply: change,
      _fail: fail,
      _applied: onExposed,
      _owner: by,
      _anchor: anchor,
    });
    reverts.push(revert);
    return revert;
  };
  /** A change that stays until reverted (widgets, control anchors). */
  const fixed = (revert: () => void): Change => ({ _intact: () => true, _revert: revert });

  const apply = () => {
    if (!actions.length) {
      // Control, holdouts: exposed when the element the others change exists (the root for
      // page-wide variants), and not while a higher experience holds it: the variant would not
      // have rendered there either, and a control exposure there would count visitors the
      // variant's side never has. Anchors hold nothing: lower experiences still show.
      watch(
        anchorSelector(experience) || ':root',
        () => fixed(() => {}),
        () => {},
        owner,
        true,
      );
      return;
    }
    actions.forEach((action, i) => {
      const where = `${path} action ${i} (${action?.type})`;
      const report = (message: string) => env._report(message, where);
      try {
        if (!action || typeof action !== 'object') throw new Error('is not an action');
        if (action.type === 'css') {
          // Through the watcher, like widgets: it reports what is still shown on a new page view.
          // (A site tag built without `css` actions never gets one: its manifest is checked.)
          if (A_CSS) watch(':root', () => fixed(addStyle(doc, action.value)), report);
        } else if (action.type === 'banner' || action.type === 'overlay') {
          // Widgets go into <body>: from a tag in <head>, they wait for it (before first paint).
          // Closed, the watch ends: a widget no longer shown exposes nothing on a later page view.
          if (A_WIDGETS) {
            // A banner shown on load by a tag in <head>: the first paint waits for its code (the
            // post-paint chunk) where browsers can hold it, until the banner is in or HOLD_MS
            // pass: the site tags until the chunk has run (a render-blocking module script of
            // it, at the address `postURL` gives), the generic tags and the npm build until the
            // page has been parsed, or an element with the id `tailor` has (a render-blocking
            // link; features.ts `HOLD_SCRIPT`).
            // While no frame has been rendered since (`frames`), the banner goes in its place:
            // a top banner at the top, in the flow.
            let hold: Element | null = null;
            let frames = 0;
            const release = () => hold?.remove();
            if (action.type === 'banner' && !doc.body && doc.head) {
              const src = HOLD_SCRIPT && postURL();
              hold = !HOLD_SCRIPT
                ? doc.head.appendChild(
                    Object.assign(doc.createElement('link'), {
                      rel: 'expect',
                      href: '#tailor',
                      blocking: 'render',
                    }),
                  )
                : src
                  ? doc.head.appendChild(
                      Object.assign(doc.createElement('script'), {
                        type: 'module',
                        blocking: 'render',
                        src: toTrusted(src, 1),
                        nonce: pageNonce(doc),
                      }),
                    )
                  : null;
              if (hold) {
                requestAnimationFrame(() => frames++);
                setTimeout(release, HOLD_MS);
                reverts.push(release);
              }
            }
            later((p) => {
              const stop = watch(
                'body',
                () => {
                  const shown = fixed(
                    p[action.type](
                      doc,
                      action as never,
                      fillTemplate(action.value, context, 'html', report),
                      () => {
                        stop();
                        onDismiss();
                      },
                      !!hold && !frames,
                    ),
                  );
                  release();
                  return shown;
                },
                report,
              );
            }, report);
          }
        } else if (action.type !== 'redirect') {
          // An element action (`redirect` is carried out by the runtime before anything renders).
          // Refused at once, not after the 10 s element wait: the tags' manifest guard lets
          // actions without a selector through (an unknown type with one is refused on apply).
          if (!action.selector) throw new Error('needs a "selector"');
          // Only an action that can change its element holds it: a typo'd type (reported when
          // applied) must not take the element from a lower-priority experience.
          watch(
            action.selector,
            (el) => applyToElement(el, action, context, report),
            report,
            ELEMENT_TYPES.test(action.type) ? owner : undefined,
          );
        }
      } catch (e) {
        report((e as Error).message);
      }
    });
  };

  const trigger = experience.trigger;
  if (trigger && LATER.test(trigger.on))
    later(
      (p) => reverts.push(p.onTrigger(trigger, apply, env)),
      (m) => env._report(m, path),
    );
  else apply();
  return () => {
    gone = true;
    for (const r of reverts.splice(0).reverse()) r();
  };
}

/** What the runtime hands the renderer for one experience the visitor is in. */
export interface RenderItem {
  _experience: Experience;
  _variant: string;
  _actions: readonly Action[];
}

export interface Renderer {
  /**
   * Brings the page in line with `items`: reverts experiences that are gone or changed
   * variant, renders new ones. `newView` marks a page view: elements are waited for anew, and
   * experiences kept from the last one are exposed again (exposures are per page view) when
   * they show something on it, as a new one would be: at once, when their changes apply later,
   * or never.
   */
  _sync(items: RenderItem[], context: object, newView: boolean): void;
  /** Reverts everything and disconnects. */
  _stop(): void;
}

export interface RendererHooks {
  _exposed(item: RenderItem): void;
  _dismissed(item: RenderItem): void;
}

interface Live extends Owner {
  _variant: string;
  _revert: () => void;
  /** Exposed on this page view (docs/events.md: once per experience per page view). */
  _exposed: boolean;
  /** The actions with their templates filled: when identify()/set() change it, re-render. */
  _sig: string;
}

/**
 * Keeps the rendered experiences in step with the decisions. When two experiences change the
 * same element (by any selectors), the one with the higher `priority` (then the earlier one)
 * keeps it: the watcher holds each element for one experience (`Owner`, ranked here). When
 * the holder is reverted (`page()`), the best experience still rendered takes the element at
 * once; `destroy()` hands nothing over.
 */
export function createRenderer(
  win: Window,
  scrollDepth: () => number,
  report: (message: string, path: string) => void,
  hooks: RendererHooks,
): Renderer {
  const watcher = createWatcher(win.document);
  const env: RenderEnv = { _win: win, _watcher: watcher, _scrollDepth: scrollDepth, _report: report };
  const live = new Map<string, Live>();
  let settle = 0;

  /** `_sync`, inside one watcher batch. */
  const sync = (items: RenderItem[], context: object, newView: boolean) => {
    // Before anything is reverted: an element handed over counts for the new page view.
    if (newView) for (const l of live.values()) l._exposed = false;
    const wanted = new Map(items.map((i) => [i._experience.id, i]));
    for (const [id, l] of live) {
      if (wanted.get(id)?._variant !== l._variant) {
        l._revert();
        live.delete(id);
      }
    }
    // `sort` is stable: experiences of equal priority keep their order. Ranks are set before
    // anything applies, so a new experience is compared with up-to-date ones.
    const ordered = [...items].sort((a, b) => (b._experience.priority || 0) - (a._experience.priority || 0));
    ordered.forEach((item, rank) => {
      const l = live.get(item._experience.id);
      if (l) l._rank = rank;
    });
    if (newView) {
      // A kept experience is exposed again by what it shows on the new page view (docs/events.md).
      watcher._wait();
      win.clearTimeout(settle);
      settle = win.setTimeout(() => watcher._settle(), WAIT_MS);
    }
    ordered.forEach((item, rank) => {
      const id = item._experience.id;
      const sig = fillTemplate(JSON.stringify(item._actions), context, 'text');
      const kept = live.get(id);
      if (kept && kept._sig === sig) return;
      // Changed template output: swap in place, in the same task (nothing in between is painted).
      kept?._revert();
      const l: Live = {
        _variant: item._variant,
        _revert: () => {},
        _exposed: !!kept?._exposed,
        _sig: sig,
        _rank: rank,
      };
      live.set(id, l);
      l._revert = renderExperience(
        item._experience,
        item._actions,
        context,
        env,
        () => {
          if (!l._exposed) {
            l._exposed = true;
            hooks._exposed(item);
          }
        },
        () => hooks._dismissed(item),
        l,
      );
    });
  };

  return {
    _sync(items, context, newView) {
      // One batch: an experience that a higher one (rendered later in it) takes the element
      // from was never seen and is not exposed.
      watcher._batch(() => sync(items, context, newView));
    },
    _stop() {
      win.clearTimeout(settle);
      // The watcher first: it reverts every change, latest first, without handing elements over.
      watcher._stop();
      for (const l of live.values()) l._revert();
      live.clear();
    },
  };
}
