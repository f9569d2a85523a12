// @vitest-environment happy-dom
// Runtime edge cases: each test failed before its fix.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Tailor } from '../../src/manifest/types';
import { createTailor } from '../../src/runtime';

const base = { version: 1, site: 's' };
let t: Tailor | null = null;
beforeEach(() => {
  document.body.innerHTML = '<h1 id="h">Original</h1><p id="p">P</p>';
  localStorage.clear();
  sessionStorage.clear();
  history.replaceState(null, '', '/');
});
afterEach(() => {
  t?.destroy();
  t = null;
});

describe('runtime edge cases', () => {
  it("closing a banner keeps the variant's other changes at the next re-decide", async () => {
    t = createTailor({
      manifest: {
        ...base,
        experiences: [
          {
            id: 'e',
            variants: [
              {
                id: 'v',
                actions: [
                  { type: 'text', selector: '#h', value: 'Personalized' },
                  { type: 'banner', value: 'Hi', position: 'top' },
                ],
              },
            ],
          },
        ],
      } as never,
      storage: 'memory',
    });
    await t.start();
    expect(document.getElementById('h')!.textContent).toBe('Personalized');
    (document.querySelector('.tailor-close') as HTMLElement).click();
    t.track('anything');
    expect(document.getElementById('h')!.textContent).toBe('Personalized');
  });

  it('start() after destroy() patches no history method and adds no listener', async () => {
    const orig = history.pushState;
    const add = vi.spyOn(document, 'addEventListener');
    t = createTailor({
      manifest: { ...base, goals: { g: { type: 'click', selector: '#h' } }, experiences: [] } as never,
      storage: 'memory',
    });
    t.destroy();
    await t.start();
    const leaked = history.pushState !== orig;
    const listeners = add.mock.calls.length;
    add.mockRestore();
    t.destroy(); // clean up for the next test
    expect(leaked).toBe(false);
    expect(listeners).toBe(0);
  });

  it('a redirect URL that URL() rejects is reported, and the other experiences still render', async () => {
    const errors: unknown[] = [];
    t = createTailor({
      manifest: {
        ...base,
        experiences: [
          {
            id: 'go',
            variants: [{ id: 'v', actions: [{ type: 'redirect', url: 'https://shop.example.com:8o8o/x' }] }],
          },
          {
            id: 'txt',
            variants: [{ id: 'v', actions: [{ type: 'text', selector: '#h', value: 'Other experience' }] }],
          },
        ],
      } as never,
      storage: 'memory',
    });
    t.on('error', (e) => errors.push(e));
    let ready = false;
    t.on('ready', () => {
      ready = true;
    });
    await t.start();
    expect(document.getElementById('h')!.textContent).toBe('Other experience');
    expect(ready).toBe(true);
    expect(errors).toEqual([
      expect.objectContaining({ message: expect.stringContaining('not a valid URL') }),
    ]);
  });

  it('a data-tailor-set click that leads to an unparsable redirect throws nothing into the page', async () => {
    t = createTailor({
      manifest: {
        ...base,
        experiences: [
          {
            id: 'go',
            audience: { 'visitor.traits.role': 'dev' },
            variants: [{ id: 'v', actions: [{ type: 'redirect', url: 'https://shop.example.com:8o8o/x' }] }],
          },
        ],
      } as never,
      storage: 'memory',
    });
    await t.start();
    document.body.insertAdjacentHTML('beforeend', '<button id="b" data-tailor-set="role=dev">dev</button>');
    const errs: unknown[] = [];
    const onErr = (e: ErrorEvent) => {
      errs.push(e.error?.message || e.message);
      e.preventDefault?.();
    };
    window.addEventListener('error', onErr);
    let thrown: unknown = null;
    try {
      document.getElementById('b')!.dispatchEvent(new MouseEvent('click', { bubbles: true }));
    } catch (e) {
      thrown = e;
    }
    window.removeEventListener('error', onErr);
    expect(thrown || errs.length ? 'leaked' : 'ok').toBe('ok');
  });

  it('a dataLayer push from an exposure handler re-decides once, after the render', async () => {
    (window as unknown as { dataLayer: unknown[] }).dataLayer = [];
    const errors: unknown[] = [];
    t = createTailor({
      manifest: {
        version: 1,
        site: 's',
        dataLayer: ['tier'],
        experiences: [
          {
            id: 'a',
            variants: [
              { id: 'v', actions: [{ type: 'text', selector: '#h', value: 'tier={{data.tier|none}}' }] },
            ],
          },
        ],
      } as never,
      storage: 'memory',
    });
    t.on('error', (e) => errors.push(e));
    let n = 0;
    t.on('exposure', () => {
      n++;
      (window as unknown as { dataLayer: unknown[] }).dataLayer.push({ tier: `gold${n}` });
    });
    await t.start();
    // The push from the handler re-decides: wait until that second render shows, then destroy.
    await vi.waitFor(() => expect(document.getElementById('h')!.textContent).toBe('tier=gold1'), {
      timeout: 10_000,
    });
    expect(n).toBe(1);
    expect(errors).toEqual([]);
    t.destroy();
    t = null;
    expect(document.getElementById('h')!.textContent).toBe('Original');
  });
});
