/**
 * Tailor in a single-page app: the npm package (`import { createTailor } from 'tailorjs'`;
 * here the repository's source, bundled by rollup.config.mjs into examples/spa/dist/app.min.js,
 * with Tailor's parts as chunks beside it, loaded when used).
 *
 * The manifest is the one `tailor build` published (examples/spa/tailor.json →
 * examples/spa/published/tailor.json): stamped with what it reads, so the runtime loads only the
 * parts it needs (here the categories and affinity; never ua-parser-js).
 *
 * The router below is the whole app: links call `history.pushState` and the view re-renders.
 * Tailor notices every URL change by itself (docs/api.md `page()`): experiences of the new route
 * render, and those that no longer apply are reverted.
 */
import { createTailor, type Manifest } from '../../src/index';
import published from './published/tailor.json';

const manifest = published as Manifest;

type Route = { title: string; body: string };
const ROUTES: Record<string, Route> = {
  '/spa/': {
    title: 'Welcome to Paso',
    body: '<p>Shoes and bags for every road.</p><p><a href="/spa/shoes" class="cta">Shop shoes</a></p>',
  },
  '/spa/shoes': {
    title: 'Shoes',
    body: '<ul><li>Trail Runner, €95</li><li>City Sneaker, €79</li></ul>',
  },
  '/spa/bags': {
    title: 'Bags',
    body: '<ul><li>Leather Tote, €140</li><li>Canvas Backpack, €65</li></ul><p><a href="/spa/bags" class="cta">Shop bags</a></p>',
  },
  '/spa/about': {
    title: 'About',
    body: '<p>This page is rendered by a tiny client-side router.</p><button type="button" id="signup">Sign up</button>',
  },
};

const view = document.getElementById('view')!;
const log = document.getElementById('log')!;

/** Renders the route of the current URL into #view, the way a framework router would. */
function render(): void {
  const route = ROUTES[location.pathname] || { title: 'Not found', body: '<p>No such page.</p>' };
  view.innerHTML = `<h1>${route.title}</h1>${route.body}`;
  document.title = `${route.title} · Paso SPA`;
  for (const a of document.querySelectorAll('nav a'))
    a.toggleAttribute('aria-current', a.getAttribute('href') === location.pathname);
}

function note(text: string): void {
  const li = document.createElement('li');
  li.textContent = text;
  log.prepend(li);
}

const tailor = createTailor({ manifest });
tailor.on('exposure', (e) => note(`exposure ${e.experience}: ${e.variant} on ${e.path}`));
tailor.on('conversion', (e) => note(`conversion ${e.goal}`));
tailor.on('error', (e) => note(`error ${e.message}`));
(window as unknown as { tailor: typeof tailor }).tailor = tailor;

// Client-side navigation: pushState, then render. No call to tailor.page() is needed.
document.addEventListener('click', (e) => {
  const a = (e.target as Element).closest?.('a[href^="/spa/"]');
  if (!a || e.defaultPrevented || (e as MouseEvent).button !== 0) return;
  e.preventDefault();
  history.pushState(null, '', a.getAttribute('href'));
  render();
});
window.addEventListener('popstate', render);

// Tailor first, so changes apply as the view's elements appear (no flicker), then the app.
tailor.start();
render();
