/**
 * Experience triggers (docs/experiences.md): when a variant's actions render. Each returns its cancel.
 * Listeners are passive and removed on cancel; no polling timers.
 */
import type { Trigger } from '../manifest/types';

export function onTrigger(
  trigger: Trigger | undefined,
  fire: () => void,
  env: { _win: Window; _scrollDepth: () => number },
): () => void {
  const { _win: win } = env;
  const doc = win.document;
  let done = false;
  const once = () => {
    if (done) return;
    done = true;
    cancel();
    fire();
  };
  let cancel = () => {};
  const listen = (target: EventTarget, type: string, fn: (e: Event) => void, capture = false) => {
    target.addEventListener(type, fn, { passive: true, capture });
    cancel = () => target.removeEventListener(type, fn, { capture } as EventListenerOptions);
  };
  switch (trigger?.on) {
    case 'delay': {
      // The browser reads a negative or non-numeric delay as 0 (the HTML timer steps).
      const t = win.setTimeout(once, trigger.value);
      cancel = () => win.clearTimeout(t);
      break;
    }
    case 'scroll': {
      const check = () => env._scrollDepth() >= trigger.value && once();
      listen(win, 'scroll', check);
      check();
      // A page still being parsed has no depth yet; one that turns out too short to scroll is
      // seen entirely once parsed, and sends no scroll event.
      doc.addEventListener('DOMContentLoaded', check);
      break;
    }
    case 'exit':
      // Exit intent: the pointer leaves the document through the top edge (towards tabs/URL bar).
      listen(doc, 'mouseout', (e) => {
        const m = e as MouseEvent;
        if (!m.relatedTarget && m.clientY <= 0) once();
      });
      break;
    case 'click':
      listen(
        doc,
        'click',
        (e) => {
          try {
            if ((e.target as Element)?.closest?.(trigger.value)) once();
          } catch {}
        },
        true,
      );
      break;
    default:
      once();
  }
  return () => {
    done = true;
    cancel();
  };
}
