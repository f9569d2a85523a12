/**
 * Renders one assigned experience: waits for its trigger, applies its variant's actions and
 * tells the caller when the visitor was exposed (SPEC §8, §10). Returns the revert of
 * everything it did. Reports refused or failed actions through `report`; never throws.
 */
import type { Action, Experience } from '../manifest/types';
import type { ElementAction } from './actions';
import { applyToElement } from './actions';
import { fillTemplate } from './template';
import { onTrigger } from './triggers';
import type { Watcher } from './watch';
import { addStyle, showBanner, showOverlay } from './widgets';

export interface RenderEnv {
  _win: Window;
  _watcher: Watcher;
  _scrollDepth(): number;
  _report(message: string, path: string): void;
}

const PAGE_ACTIONS = /^(css|banner|overlay|redirect)$/;

/** The selectors whose presence means a variant "would have rendered" (for control and holdouts). */
function anchorSelector(experience: Experience): string | null {
  for (const v of experience.variants) {
    for (const a of v.actions || []) if ('selector' in a && a.selector) return a.selector;
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
): () => void {
  const reverts: (() => void)[] = [];
  let exposed = false;
  const expose = () => {
    if (!exposed) {
      exposed = true;
      onExposed();
    }
  };
  const doc = env._win.document;
  const path = `experience "${experience.id}"`;

  const apply = () => {
    if (!actions.length) {
      // Control, holdouts: exposed when the element the others change exists.
      const anchor = anchorSelector(experience);
      if (!anchor) return expose();
      reverts.push(
        env._watcher._add({
          _selector: anchor,
          _apply: () => ({ _intact: () => true, _revert: () => {} }),
          _fail: () => {},
          _applied: expose,
        }),
      );
      return;
    }
    actions.forEach((action, i) => {
      const where = `${path} action ${i} (${action?.type})`;
      try {
        if (!action || typeof action !== 'object') throw new Error('is not an action');
        if (PAGE_ACTIONS.test(action.type)) {
          if (action.type === 'css') reverts.push(addStyle(doc, action.value));
          else if (action.type === 'banner')
            reverts.push(showBanner(doc, action, fillTemplate(action.value, context, 'html'), onDismiss));
          else if (action.type === 'overlay')
            reverts.push(showOverlay(doc, action, fillTemplate(action.value, context, 'html'), onDismiss));
          // `redirect` is carried out by the runtime before anything renders.
          expose();
          return;
        }
        const elementAction = action as ElementAction;
        reverts.push(
          env._watcher._add({
            _selector: elementAction.selector,
            _apply: (el) => applyToElement(el, elementAction, context),
            _fail: (message) => env._report(message, where),
            _applied: expose,
          }),
        );
      } catch (e) {
        env._report((e as Error).message, where);
      }
    });
  };

  reverts.push(onTrigger(experience.trigger, apply, env));
  return () => {
    for (const r of reverts.splice(0).reverse()) r();
  };
}
