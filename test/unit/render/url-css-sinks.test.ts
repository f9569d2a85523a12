// @vitest-environment happy-dom
/**
 * URL and CSS sinks: one list of URL attributes everywhere (SVG animation `to`, `from`,
 * `values` write into links), and template values in a style accept plain tokens only, so a
 * visitor's value cannot add a declaration or load a URL.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { URL_ATTR } from '../../../src/manifest/safe-url';
import { validateManifest } from '../../../src/manifest/validate';
import type { ElementAction } from '../../../src/render/actions';
import { applyToElement } from '../../../src/render/actions';
import { fillTemplate } from '../../../src/render/template';

const EVIL_CSS = 'red;background-image:url(https://evil.example/x)';
const ctx = { page: { query: { x: 'javascript:alert(1)', c: EVIL_CSS, ok: 'red', hex: '#ff0000' } } };

let root: HTMLElement;
beforeEach(() => {
  document.body.innerHTML = '<div id="root"></div>';
  root = document.getElementById('root')!;
});
const apply = (e: Element, action: Record<string, unknown>, bad?: (m: string) => void) =>
  applyToElement(e, action as unknown as ElementAction, ctx as { affinity?: object }, bad);

describe('one list of URL attributes', () => {
  it.each(['href', 'src', 'srcset', 'action', 'formaction', 'poster', 'data', 'xlink:href', 'background'])(
    '%s is a URL attribute',
    (name) => expect(URL_ATTR.test(name)).toBe(true),
  );
  it.each(['to', 'from', 'values', 'codebase', 'cite', 'ping', 'TO'])('%s is one too', (name) =>
    expect(URL_ATTR.test(name)).toBe(true),
  );
  it.each(['title', 'style', 'class', 'attributeName', 'tooltip'])('%s is not', (name) =>
    expect(URL_ATTR.test(name)).toBe(false),
  );

  it.each(['to', 'from', 'values'])(
    'attr "%s" on an SVG <set> refuses a javascript: value from the query',
    (name) => {
      root.innerHTML = '<svg><a><set attributeName="href"></set></a></svg>';
      const set = root.querySelector('set')!;
      expect(() => apply(set, { type: 'attr', selector: 'set', name, value: '{{page.query.x}}' })).toThrow(
        /refused/,
      );
      expect(set.hasAttribute(name)).toBe(false);
    },
  );

  it('the validator checks those attributes as URLs too', () => {
    const { problems } = validateManifest({
      version: 1,
      site: 's',
      experiences: [
        {
          id: 'e',
          variants: [
            {
              id: 'v',
              actions: [{ type: 'attr', selector: 'set', name: 'to', value: 'javascript:alert(1)' }],
            },
          ],
        },
      ],
    });
    expect(problems).toEqual([
      expect.objectContaining({
        path: 'experiences[0].variants[0].actions[0].value',
        message: expect.stringMatching(/refused: only http, https, mailto, tel/),
        severity: 'error',
      }),
    ]);
  });
});

describe('template values in CSS', () => {
  it('accepts colors, lengths, words and lists', () => {
    for (const v of ['red', '#ff0000', '10px 5%', 'Noto Sans, sans-serif', '-1.5em', 'ease-in-out'])
      expect(fillTemplate('color:{{v}}', { v }, 'css')).toBe(`color:${v}`);
  });

  it.each([
    EVIL_CSS,
    'url(https://evil.example/x)',
    'red;background:red',
    'expression(alert(1))',
    'red\\3b background:red',
    '"x"',
    "'x'",
    '</style>',
    '@import x',
    'red !important',
    'a:b',
    '//evil.example',
  ])('refuses %j: the fallback or nothing instead, reported', (v) => {
    const bad: string[] = [];
    expect(fillTemplate('color:{{v}}', { v }, 'css', (m) => bad.push(m))).toBe('color:');
    expect(fillTemplate('color:{{v|blue}}', { v }, 'css', (m) => bad.push(m))).toBe('color:blue');
    expect(bad).toEqual([
      `unsafe style value ${JSON.stringify(v)}`,
      `unsafe style value ${JSON.stringify(v)}`,
    ]);
  });

  it('keeps a fallback the manifest wrote, whatever it holds', () => {
    expect(fillTemplate('background:{{v|url(/bg.png)}}', {}, 'css')).toBe('background:url(/bg.png)');
  });

  it('attr "style" takes only safe tokens, reports the rest', () => {
    root.innerHTML = '<p>x</p>';
    const p = root.firstElementChild!;
    const bad: string[] = [];
    apply(p, { type: 'attr', selector: 'p', name: 'style', value: 'color:{{page.query.c}}' }, (m) =>
      bad.push(m),
    );
    expect(p.getAttribute('style')).toBe('color:');
    expect(bad).toEqual([`unsafe style value ${JSON.stringify(EVIL_CSS)}`]);
    apply(p, { type: 'attr', selector: 'p', name: 'STYLE', value: 'color:{{page.query.hex}}' });
    expect(p.getAttribute('style')).toBe('color:#ff0000');
  });

  it.each(['html', 'insert'])('a style="…" in %s markup takes only safe tokens', (type) => {
    root.innerHTML = '<div></div>';
    const d = root.firstElementChild!;
    const bad: string[] = [];
    apply(
      d,
      {
        type,
        selector: 'div',
        position: 'append',
        value:
          '<p style="color:{{page.query.c|green}}" title="{{page.query.c}}">t</p><b style="color:{{page.query.ok}}">b</b>',
      },
      (m) => bad.push(m),
    );
    expect(d.querySelector('p')!.getAttribute('style')).toBe('color:green');
    // Elsewhere the same value is plain text: harmless.
    expect(d.querySelector('p')!.getAttribute('title')).toBe(EVIL_CSS);
    expect(d.querySelector('b')!.getAttribute('style')).toBe('color:red');
    expect(bad).toEqual([`unsafe style value ${JSON.stringify(EVIL_CSS)}`]);
  });
});
