/**
 * The debug view of `?tailor_debug=1`: a small fixed overlay listing the visitor's segments
 * and, for each experience, its decision and the reason, and the same lines in the console.
 *
 * It ships as its own file, `dist/tailor.debug.js`, which the tag injects only when the flag
 * is in the URL, so the tags pay a few bytes for the loader and nothing for the view. It reads
 * the runtime through the public `on('debug')` event (the latest decision at once, then every
 * new one) and works out the reasons with the pure `explainDecisions`.
 *
 * All text goes in through `textContent` (manifest names and segment names are never markup),
 * and styles are set through the CSSOM (`style.cssText`), which a strict CSP does not block,
 * so the view needs no nonce and no `<style>` element.
 */
import type { Decision } from '../assign/explain';
import { explainDecisions } from '../assign/explain';
import type { DecisionSnapshot, Experience, Tailor } from '../manifest/types';
import type { Predicate } from '../rules/condition';
import { compileCondition } from '../rules/condition';
import { getPath } from '../rules/path';

/** The reasons of a snapshot's decision, one per experience in manifest order. */
export function explainSnapshot(s: DecisionSnapshot): Decision[] {
  const c = s.context;
  const segments = new Set(s.segments);
  const audiences = new Map<Experience, Predicate>();
  const experiences = s.manifest.experiences || [];
  for (const e of experiences) if (e.audience) audiences.set(e, compileCondition(e.audience));
  return explainDecisions({
    experiences,
    assignments: s.assignments,
    holdoutPercent: s.manifest.holdout?.percent || 0,
    consentGranted: c.consent.state === 'granted',
    path: c.page.path,
    preview: s.manifest.qa !== false && c.page.query.tailor_preview === '1',
    now: s.now,
    unitOf: (e) => {
      const u = getPath(c, e.unit || 'visitor.id');
      return u === null || u === undefined || u === '' ? null : String(u);
    },
    audience: (e) => audiences.get(e)?.(c, segments) ?? true,
    exposed: (id) => s.exposed.has(id),
    capped: (e) => s.capped(e),
  });
}

/** The reason as a short sentence for the table and the console. */
export function reasonText(d: Decision, e: Experience | undefined): string {
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
      return 'waiting for consent';
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

/** The rows the overlay and the console show. */
export function debugRows(s: DecisionSnapshot): DebugRow[] {
  const byId = new Map((s.manifest.experiences || []).map((e) => [e.id, e]));
  return explainSnapshot(s).map((d) => {
    const e = byId.get(d.experience);
    return {
      id: d.experience,
      experience: e?.name ? `${e.name} (${d.experience})` : d.experience,
      variant: d.variant ?? '—',
      reason: reasonText(d, e) + (d.exposed && d.reason !== 'shown' ? ', exposed' : ''),
    };
  });
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
  close.setAttribute('aria-label', 'Close the Tailor debug view');
  const title = el(
    doc,
    'strong',
    'display:block;margin:0 0 4px;font:inherit;font-weight:700',
    'Tailor debug',
  );
  const segments = el(doc, 'p', 'margin:0 0 6px;font:inherit');
  const table = el(doc, 'table', 'border-collapse:collapse;width:100%;font:inherit;color:inherit');
  const head = table.createTHead().insertRow();
  for (const h of ['Experience', 'Variant', 'Reason'])
    head.appendChild(el(doc, 'th', `${CELL};font-weight:700`, h));
  const body = table.createTBody();
  root.append(close, title, segments, table);

  let snapshot: DecisionSnapshot | null = null;
  let logged = '';
  const update = () => {
    if (!snapshot) return;
    const rows = debugRows(snapshot);
    const segs = snapshot.segments.length ? snapshot.segments.join(', ') : 'none';
    segments.textContent = `Segments: ${segs} · consent: ${snapshot.context.consent.state}`;
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
      try {
        for (const line of lines) console.log(`[tailor] debug: ${line}`);
      } catch {}
    }
  };
  const off = [
    t.on('debug', (s) => {
      snapshot = s;
      update();
    }),
    t.on('exposure', update),
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
