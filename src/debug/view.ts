/**
 * The debug view of `?tailor_debug=1`: a small fixed overlay listing the visitor's segments
 * and, for each experience, its decision and the reason, and the same lines in the console.
 *
 * It ships as its own file, `dist/tailor.debug.js`, which the tag injects only when the flag
 * is in the URL, so the tags pay a few bytes for the loader and nothing for the view. It reads
 * the runtime through the public `on('debug')` event (the latest decision at once, then every
 * new one) and names the reasons the decision recorded (`explainDecisions`).
 *
 * All text goes in through `textContent` (manifest names and segment names are never markup),
 * and styles are set through the CSSOM (`style.cssText`), which a strict CSP does not block,
 * so the view needs no nonce and no `<style>` element.
 */
import type { Decision } from '../assign/explain';
import { explainDecisions } from '../assign/explain';
import type { DecisionSnapshot, Experience, Tailor } from '../manifest/types';
import { WAIT_MS } from '../render/watch';
import { SESSION_MS } from '../signals/visitor';
import { PREFIX } from '../storage/store';

const PROFILE = `${PREFIX}profile`;

/** The reasons of a snapshot's decision, one per experience in manifest order. */
export const explainSnapshot = (s: DecisionSnapshot): Decision[] =>
  explainDecisions({
    experiences: s.manifest.experiences || [],
    assignments: s.assignments,
    out: s.out,
    exposed: (id) => s.exposed.has(id),
    capped: (e) => s.capped(e),
  });

/**
 * The reason as a short sentence for the table and the console. `consent` is the consent as the
 * view reads it (`pending`, `denied (Global Privacy Control)`…): only pending is waited for.
 */
export function reasonText(d: Decision, e: Experience | undefined, consent = 'pending'): string {
  switch (d.reason) {
    case 'shown':
      return 'shown';
    case 'waiting':
      return 'assigned, waiting for its trigger or element';
    case 'forced':
      return 'forced with ?tailor_force';
    case 'holdout':
      return 'holdout (this experience)';
    case 'global-holdout':
      return 'holdout (global)';
    case 'frequency':
      return 'frequency cap (or dismissed)';
    case 'status':
      return e?.status === 'draft' ? 'draft (add ?tailor_preview=1)' : 'paused';
    case 'pages':
      return 'not on this page';
    case 'schedule':
      return 'outside its schedule';
    case 'audience':
      return 'audience false';
    case 'layer':
      return `layer "${e?.layer}" taken by ${d.by}`;
    case 'unit':
      return `no unit id (${e?.unit || 'visitor.id'} is empty)`;
    case 'consent':
      return consent === 'pending' ? 'waiting for consent' : `consent ${consent}`;
    case 'traffic':
      return `outside traffic (${e?.traffic ?? 100}%)`;
    default:
      return 'no variant has a weight above 0';
  }
}

/** One line of the overlay and the console. */
export interface DebugRow {
  /** Experience id. */
  id: string;
  /** The name and id, for people. */
  experience: string;
  /** The variant, or `—` when not in the experience. */
  variant: string;
  /** Why, as a short sentence. */
  reason: string;
}

/**
 * The consent state with why, when the browser's Global Privacy Control denied it
 * (docs/consent.md): `denied (Global Privacy Control)`.
 */
export function consentText(s: DecisionSnapshot, gpc: boolean): string {
  const state = s.context.consent.state;
  return state === 'denied' && s.manifest.consent?.respectGpc !== false && gpc
    ? `${state} (Global Privacy Control)`
    : state;
}

/**
 * The rows the overlay and the console show. `missing`: experience id → the selector of a change
 * whose element never appeared within the wait (reported through `on('error')`).
 */
export function debugRows(
  s: DecisionSnapshot,
  missing: ReadonlyMap<string, string> = new Map(),
  consent = consentText(s, false),
): DebugRow[] {
  const byId = new Map((s.manifest.experiences || []).map((e) => [e.id, e]));
  return explainSnapshot(s).map((d) => {
    const e = byId.get(d.experience);
    const gone = d.reason === 'waiting' && missing.get(d.experience);
    return {
      id: d.experience,
      experience: e?.name ? `${e.name} (${d.experience})` : d.experience,
      variant: d.variant ?? '—',
      reason:
        (gone ? `element "${gone}" never appeared (waited ${WAIT_MS / 1000} s)` : reasonText(d, e, consent)) +
        (d.exposed && d.reason !== 'shown' ? ', exposed' : ''),
    };
  });
}

/**
 * What a `?tailor_force=` value names that the manifest does not have (an unknown experience or
 * variant): one sentence each. A forced `holdout` is known when the experience has a holdout.
 */
export function forceProblems(s: DecisionSnapshot, force: string | null | undefined): string[] {
  const out: string[] = [];
  if (s.manifest.qa === false || !force) return out;
  const all = s.manifest.experiences || [];
  for (const pair of force.split(',')) {
    const [id, v] = pair.split(':').map((x) => x.trim());
    if (!id || !v) continue;
    const e = all.find((x) => x.id === id);
    const known = e?.variants.map((x) => x.id) || [];
    if (e?.holdout) known.push('holdout');
    if (!e) out.push(`?tailor_force: no experience "${id}"`);
    else if (!known.includes(v))
      out.push(`?tailor_force: experience "${id}" has no variant "${v}" (its variants: ${known.join(', ')})`);
  }
  return out;
}

/** Runs `fn`, ignoring what it throws (storage and cookies may be blocked). */
const attempt = (fn: () => void) => {
  try {
    fn();
  } catch {}
};

/**
 * A new visitor: `forget()` removes every `tlr_` key of local and session storage and the
 * `tlr_id` cookie (the only cookie Tailor writes); then a reload.
 */
export function newVisitor(t: Tailor, win: Window = window): void {
  t.forget();
  win.location.reload();
}

/**
 * The visitor coming back after the session timeout (30 min): reloads with the stored profile's
 * last page view moved back past it. Written at `pagehide`, after the runtime's own last write.
 */
export function newSession(win: Window = window): void {
  win.addEventListener('pagehide', () =>
    attempt(() => {
      const p = JSON.parse(win.localStorage.getItem(PROFILE)!);
      p.last -= SESSION_MS + 60_000;
      win.localStorage.setItem(PROFILE, JSON.stringify(p));
    }),
  );
  win.location.reload();
}

const BOX =
  'position:fixed;right:8px;bottom:8px;z-index:2147483647;box-sizing:border-box;' +
  'max-width:min(46em,calc(100vw - 16px));max-height:min(60vh,30em);overflow:auto;margin:0;' +
  'padding:8px 10px;background:#fff;color:#111;border:1px solid #999;border-radius:6px;' +
  'box-shadow:0 4px 18px rgba(0,0,0,.25);font:12px/1.4 system-ui,sans-serif;text-align:left';
const CELL =
  'padding:2px 8px 2px 0;border-top:1px solid #ddd;vertical-align:top;text-align:left;font:inherit;color:inherit';

function el<K extends keyof HTMLElementTagNameMap>(
  doc: Document,
  tag: K,
  css?: string,
  text?: string,
): HTMLElementTagNameMap[K] {
  const x = doc.createElement(tag);
  if (css) x.style.cssText = css;
  if (text !== undefined) x.textContent = text;
  return x;
}

/**
 * Shows the overlay for instance `t` and logs each decision to the console; returns a function
 * that closes it (the close button does the same). A second call on the same page does nothing.
 */
export function showDebugView(t: Tailor, doc: Document = document): () => void {
  if (doc.querySelector('[data-tailor-debug]')) return () => {};
  const root = el(doc, 'aside', BOX);
  root.setAttribute('data-tailor-debug', '');
  root.setAttribute('aria-label', 'Tailor debug');
  const close = el(
    doc,
    'button',
    'float:right;margin:0 0 0 8px;padding:0 4px;border:0;background:none;color:inherit;font:18px/1 sans-serif;cursor:pointer',
    '×',
  );
  close.type = 'button';
  close.setAttribute('aria-label', 'Close');
  const title = el(
    doc,
    'strong',
    'display:block;margin:0 0 4px;font:inherit;font-weight:700',
    'Tailor debug',
  );
  const segments = el(doc, 'p', 'margin:0 0 6px;font:inherit');
  // What needs attention: the global holdout, a `?tailor_force` the manifest does not know,
  // the problems reported so far (a manifest that did not load, experiences dropped at load).
  const notes = el(doc, 'ul', 'margin:0 0 6px;padding:0 0 0 1.2em;font:inherit;color:#8a1c00');
  const button = (text: string, click: () => void) => {
    const b = el(
      doc,
      'button',
      'margin:0 6px 6px 0;padding:1px 6px;border:1px solid #999;background:#eee;color:#111;font:inherit;cursor:pointer',
      text,
    );
    b.type = 'button';
    b.addEventListener('click', click);
    return b;
  };
  const win = doc.defaultView || window;
  const actions = el(doc, 'p', 'margin:0;font:inherit');
  actions.append(
    button('New visitor', () => newVisitor(t, win)),
    button('Return after 30 min', () => newSession(win)),
  );
  const table = el(doc, 'table', 'border-collapse:collapse;width:100%;font:inherit;color:inherit');
  const head = table.createTHead().insertRow();
  for (const h of ['Experience', 'Variant', 'Reason'])
    head.appendChild(el(doc, 'th', `${CELL};font-weight:700`, h));
  const body = table.createTBody();
  root.append(close, title, segments, notes, actions, table);

  let snapshot: DecisionSnapshot | null = null;
  let logged = '';
  const warned = new Set<string>();
  const update = () => {
    if (!snapshot) return;
    const s = snapshot;
    const consent = consentText(
      s,
      (win.navigator as { globalPrivacyControl?: unknown }).globalPrivacyControl === true,
    );
    /** Experience id → selector of a change whose element never appeared. */
    const missing = new Map<string, string>();
    /** The other problems reported so far: a manifest that did not load, experiences dropped. */
    const problems: string[] = [];
    for (const k of s.problems || []) {
      const at = k.indexOf('|');
      const path = k.slice(0, at);
      const message = k.slice(at + 1);
      const id = /^experience "(.*)" action/.exec(path);
      const selector = /^no element matches "(.*)" within/.exec(message);
      if (id && selector) missing.set(id[1]!, selector[1]!);
      else problems.push(path === 'undefined' ? message : `${path}: ${message}`);
    }
    const rows = debugRows(s, missing, consent);
    const segs = s.segments.length ? s.segments.join(', ') : 'none';
    segments.textContent = `Segments: ${segs} · consent: ${consent}`;
    let force: string | null | undefined = s.context.page.query.tailor_force;
    if (typeof force !== 'string') attempt(() => (force = win.sessionStorage.getItem(`${PREFIX}force`)));
    const forced = forceProblems(s, force);
    for (const f of forced)
      if (!warned.has(f)) {
        warned.add(f);
        attempt(() => console.warn(`[tailor] ${f}`));
      }
    const held = s.assignments.some((a) => a.variant === 'global-holdout');
    notes.replaceChildren(
      ...[
        ...(held
          ? [`In the global holdout (${s.manifest.holdout?.percent}%): nothing changes for this visitor`]
          : []),
        ...forced,
        ...problems.slice(0, 20),
      ].map((n) => el(doc, 'li', 'font:inherit', n)),
    );
    body.replaceChildren(
      ...rows.map((r) => {
        const tr = el(doc, 'tr');
        tr.setAttribute('data-experience', r.id);
        for (const cell of [r.experience, r.variant, r.reason]) tr.appendChild(el(doc, 'td', CELL, cell));
        return tr;
      }),
    );
    if (!rows.length) body.insertRow().appendChild(el(doc, 'td', CELL, 'No experiences in the manifest.'));
    // The console gets the same lines, once per change.
    const lines = [`segments: ${segs}`, ...rows.map((r) => `${r.experience} → ${r.variant}: ${r.reason}`)];
    const text = lines.join('\n');
    if (text !== logged) {
      logged = text;
      attempt(() => {
        for (const line of lines) console.log(`[tailor] debug: ${line}`);
      });
    }
  };
  const off = [
    t.on('debug', (s) => {
      snapshot = s;
      update();
    }),
    t.on('exposure', update),
    t.on('error', update),
  ];
  const mount = () => (doc.body || doc.documentElement).appendChild(root);
  if (doc.readyState === 'loading') doc.addEventListener('DOMContentLoaded', mount, { once: true });
  else mount();
  const stop = () => {
    for (const f of off) f();
    doc.removeEventListener('DOMContentLoaded', mount);
    root.remove();
  };
  close.addEventListener('click', stop);
  return stop;
}
