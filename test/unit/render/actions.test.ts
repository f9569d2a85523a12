// @vitest-environment happy-dom
import { beforeEach, describe, expect, it } from 'vitest';
import { isSafeUrl } from '../../../src/manifest/safe-url';
import type { ElementAction } from '../../../src/render/actions';
import { applyToElement } from '../../../src/render/actions';

const EVIL = '<img src=x onerror=alert(1)>';
const ctx = {
  visitor: { traits: { name: 'Ana', evil: EVIL } },
  affinity: { shoes: 5, bags: 9, hats: 1, tie1: 3, tie2: 3 } as Record<string, number>,
};

let root: HTMLElement;
beforeEach(() => {
  document.body.innerHTML = '';
  root = document.createElement('div');
  root.id = 'root';
  document.body.appendChild(root);
});

function el(html: string): HTMLElement {
  root.innerHTML = html;
  return root.firstElementChild as HTMLElement;
}

const apply = (e: Element, action: Record<string, unknown>, c: object = ctx) =>
  applyToElement(e, action as unknown as ElementAction, c);

const noImg = () => expect(document.querySelectorAll('img')).toHaveLength(0);

describe('text', () => {
  it('sets text, detects overwrites and restores the same child nodes', () => {
    const h = el('<h1 class="t">Hello <b>there</b></h1>');
    const before = [...h.childNodes];
    const c = apply(h, { type: 'text', selector: 'h1', value: 'Hola {{visitor.traits.name}}' });
    expect(h.textContent).toBe('Hola Ana');
    expect(h.children).toHaveLength(0);
    expect(c._intact()).toBe(true);
    h.textContent = 'Hello there';
    expect(c._intact()).toBe(false);
    c._revert();
    expect([...h.childNodes]).toEqual(before);
    h.childNodes.forEach((n, i) => {
      expect(n).toBe(before[i]);
    });
    expect(h.innerHTML).toBe('Hello <b>there</b>');
  });

  it('never creates elements from an interpolated value', () => {
    const h = el('<p>x</p>');
    apply(h, { type: 'text', selector: 'p', value: 'Hi {{visitor.traits.evil}}' });
    expect(h.textContent).toBe(`Hi ${EVIL}`);
    noImg();
  });
});

describe('html', () => {
  it('sets trusted manifest HTML and escapes interpolated values', () => {
    const h = el('<div><span>old</span></div>');
    const old = h.firstChild;
    const c = apply(h, { type: 'html', selector: 'div', value: '<em>Hi</em> {{visitor.traits.evil}}' });
    expect(h.querySelector('em')!.textContent).toBe('Hi');
    expect(h.textContent).toBe(`Hi ${EVIL}`);
    noImg();
    expect(c._intact()).toBe(true);
    h.innerHTML = '<span>re-rendered</span>';
    expect(c._intact()).toBe(false);
    c._revert();
    expect(h.childNodes).toHaveLength(1);
    expect(h.firstChild).toBe(old);
  });
});

describe('attr', () => {
  it('sets a plain attribute and reverts to the original value', () => {
    const a = el('<a title="old">x</a>');
    const c = apply(a, { type: 'attr', selector: 'a', name: 'title', value: 'Hi {{visitor.traits.name}}' });
    expect(a.getAttribute('title')).toBe('Hi Ana');
    expect(c._intact()).toBe(true);
    a.setAttribute('title', 'page');
    expect(c._intact()).toBe(false);
    c._revert();
    expect(a.getAttribute('title')).toBe('old');
  });

  it('removes an attribute that did not exist before', () => {
    const a = el('<a>x</a>');
    const c = apply(a, { type: 'attr', selector: 'a', name: 'data-x', value: '1' });
    expect(a.getAttribute('data-x')).toBe('1');
    a.removeAttribute('data-x');
    expect(c._intact()).toBe(false);
    c._revert();
    expect(a.hasAttribute('data-x')).toBe(false);
  });

  it('keeps interpolated values as attribute text (no markup)', () => {
    const a = el('<div>x</div>');
    apply(a, { type: 'attr', selector: 'div', name: 'title', value: '{{visitor.traits.evil}}' });
    expect(a.getAttribute('title')).toBe(EVIL);
    noImg();
  });

  it.each(['onclick', 'OnLoad', 'ONERROR', 'onmouseover', 'on'])(
    'refuses the event handler attribute %s',
    (name) => {
      const a = el('<a>x</a>');
      expect(() => apply(a, { type: 'attr', selector: 'a', name, value: 'alert(1)' })).toThrow(/refused/);
      expect(a.attributes).toHaveLength(0);
    },
  );

  const BAD = [
    'javascript:alert(1)',
    'JaVaScRiPt:alert(1)',
    '  javascript:alert(1)',
    '\u0000javascript:alert(1)',
    '\njavascript:alert(1)',
    '%20javascript:alert(1)',
    '%6Aavascript:alert(1)',
    '%20javascript:alert(1)//%',
    'java\tscript:alert(1)',
    'java\nscript:alert(1)',
    'java\rscript:alert(1)',
    '&#106;avascript:alert(1)',
    '&#0000106avascript:alert(1)',
    '&#x6A;avascript:alert(1)',
    'javascript&colon;alert(1)',
    'java&Tab;script:alert(1)',
    'java&NewLine;script:alert(1)',
    'data:text/html,<script>alert(1)</script>',
    'DATA:image/svg+xml;base64,PHN2Zz4=',
    'vbscript:msgbox(1)',
    ' VBScript:msgbox(1)',
    'file:///etc/passwd',
  ];
  const GOOD = [
    'https://example.com/a?b=c#d',
    'http://example.com',
    'HTTPS://EXAMPLE.COM',
    'mailto:hi@example.com',
    'tel:+491234',
    '/relative/path',
    'relative.html',
    '?q=1',
    '#top',
    '//cdn.example.com/x.png',
    './x:y',
    '',
  ];

  it.each(BAD)('isSafeUrl refuses %j', (url) => expect(isSafeUrl(url)).toBe(false));
  it.each(GOOD)('isSafeUrl accepts %j', (url) => expect(isSafeUrl(url)).toBe(true));

  for (const name of ['href', 'src', 'action', 'formaction', 'poster', 'HREF', 'Src']) {
    it(`refuses unsafe URLs in ${name} and leaves the element untouched`, () => {
      const a = el('<a href="/orig">x</a>');
      for (const value of BAD) {
        expect(() => apply(a, { type: 'attr', selector: 'a', name, value }), value).toThrow(/refused/);
      }
      expect(a.getAttribute('href')).toBe('/orig');
      expect(a.attributes).toHaveLength(1);
    });

    it(`accepts http, https, mailto, tel and relative URLs in ${name}`, () => {
      const a = el('<a>x</a>');
      for (const value of GOOD.filter(Boolean)) {
        const c = apply(a, { type: 'attr', selector: 'a', name, value });
        expect(a.getAttribute(name)).toBe(value);
        c._revert();
        expect(a.hasAttribute(name)).toBe(false);
      }
    });
  }

  it('url-encodes interpolated values in URL attributes', () => {
    const a = el('<a>x</a>');
    const c2 = { q: 'a b&x=1', evil: EVIL, js: 'javascript:alert(1)', path: '../../admin' };
    apply(a, { type: 'attr', selector: 'a', name: 'href', value: '/s?q={{q}}&e={{evil}}' }, c2);
    expect(a.getAttribute('href')).toBe(`/s?q=a%20b%26x%3D1&e=${encodeURIComponent(EVIL)}`);
    apply(a, { type: 'attr', selector: 'a', name: 'href', value: '/p/{{path}}' }, c2);
    expect(a.getAttribute('href')).toBe('/p/..%2F..%2Fadmin');
    // A value can never introduce a scheme.
    expect(() => apply(a, { type: 'attr', selector: 'a', name: 'href', value: '{{js}}' }, c2)).toThrow(
      /refused/,
    );
    noImg();
  });

  it('does not url-encode non-URL attributes', () => {
    const a = el('<a>x</a>');
    apply(a, { type: 'attr', selector: 'a', name: 'aria-label', value: 'a b {{q}}' }, { q: 'c&d' });
    expect(a.getAttribute('aria-label')).toBe('a b c&d');
  });

  it('html-escapes interpolated values in srcdoc (it is parsed as a document)', () => {
    const f = el('<iframe></iframe>');
    apply(f, { type: 'attr', selector: 'iframe', name: 'srcdoc', value: '<p>{{visitor.traits.evil}}</p>' });
    expect(f.getAttribute('srcdoc')).toBe('<p>&lt;img src=x onerror=alert(1)&gt;</p>');
  });
});

describe('class', () => {
  it('adds and removes classes and reverts exactly', () => {
    const d = el('<div class="a b keep">x</div>');
    const c = apply(d, { type: 'class', selector: 'div', add: ['x', 'a', 'y'], remove: ['b', 'zz'] });
    expect([...d.classList].sort()).toEqual(['a', 'keep', 'x', 'y']);
    expect(c._intact()).toBe(true);
    d.classList.add('b');
    expect(c._intact()).toBe(false);
    d.classList.remove('b');
    d.classList.remove('x');
    expect(c._intact()).toBe(false);
    d.classList.add('x');
    c._revert();
    // 'a' was already there: kept; 'b' back; added ones removed.
    expect([...d.classList].sort()).toEqual(['a', 'b', 'keep']);
  });

  it('handles only add or only remove', () => {
    const d = el('<div class="a">x</div>');
    const c1 = apply(d, { type: 'class', selector: 'div', add: ['n'] });
    const c2 = apply(d, { type: 'class', selector: 'div', remove: ['a'] });
    expect(d.className).toBe('n');
    c2._revert();
    c1._revert();
    expect(d.className).toBe('a');
  });
});

describe('style', () => {
  it('sets inline styles and restores values and priorities', () => {
    const d = el('<div style="color: blue !important; margin: 2px">x</div>');
    const c = apply(d, {
      type: 'style',
      selector: 'div',
      value: { color: 'red', 'font-size': '20px', margin: '0px' },
    });
    expect(d.style.getPropertyValue('color')).toBe('red');
    expect(d.style.getPropertyValue('font-size')).toBe('20px');
    expect(d.style.getPropertyValue('margin')).toBe('0px');
    expect(c._intact()).toBe(true);
    d.style.setProperty('font-size', '10px');
    expect(c._intact()).toBe(false);
    c._revert();
    expect(d.style.getPropertyValue('color')).toBe('blue');
    expect(d.style.getPropertyPriority('color')).toBe('important');
    expect(d.style.getPropertyValue('margin')).toBe('2px');
    expect(d.style.getPropertyPriority('margin')).toBe('');
    expect(d.style.getPropertyValue('font-size')).toBe('');
  });

  it('stays intact when the browser normalizes the value', () => {
    const d = el('<div>x</div>');
    const c = apply(d, { type: 'style', selector: 'div', value: { color: '#FF0000', margin: '0' } });
    expect(c._intact()).toBe(true);
  });
});

describe('hide', () => {
  it('hides with display:none !important and restores the original display', () => {
    const d = el('<div style="display: flex">x</div>');
    const c = apply(d, { type: 'hide', selector: 'div' });
    expect(d.style.getPropertyValue('display')).toBe('none');
    expect(d.style.getPropertyPriority('display')).toBe('important');
    expect(c._intact()).toBe(true);
    d.style.display = 'block';
    expect(c._intact()).toBe(false);
    c._revert();
    expect(d.style.getPropertyValue('display')).toBe('flex');
    expect(d.style.getPropertyPriority('display')).toBe('');
  });

  it('removes display when there was none', () => {
    const d = el('<div>x</div>');
    apply(d, { type: 'hide', selector: 'div' })._revert();
    expect(d.getAttribute('style') || '').toBe('');
  });
});

describe('insert', () => {
  const positions = {
    before: '<i>new</i><i>2</i><div id="t"><span>in</span></div>',
    after: '<div id="t"><span>in</span></div><i>new</i><i>2</i>',
    prepend: '<div id="t"><i>new</i><i>2</i><span>in</span></div>',
    append: '<div id="t"><span>in</span><i>new</i><i>2</i></div>',
  } as const;
  for (const [position, expected] of Object.entries(positions)) {
    it(`inserts ${position} and removes exactly the inserted nodes on revert`, () => {
      const t = el('<div id="t"><span>in</span></div>');
      const original = root.innerHTML;
      const span = t.firstChild;
      const c = apply(t, { type: 'insert', selector: '#t', position, value: '<i>new</i><i>2</i>' });
      expect(root.innerHTML).toBe(expected);
      expect(c._intact()).toBe(true);
      root.querySelector('i')!.remove();
      expect(c._intact()).toBe(false);
      c._revert();
      expect(root.innerHTML).toBe(original);
      expect(t.firstChild).toBe(span);
    });
  }

  it('escapes interpolated values', () => {
    const t = el('<div id="t"></div>');
    apply(t, { type: 'insert', selector: '#t', position: 'append', value: '<b>{{visitor.traits.evil}}</b>' });
    expect(t.querySelector('b')!.textContent).toBe(EVIL);
    noImg();
  });

  it('refuses an unknown position', () => {
    const t = el('<div id="t"></div>');
    expect(() => apply(t, { type: 'insert', selector: '#t', position: 'inside', value: '<i></i>' })).toThrow(
      /position/,
    );
    expect(root.innerHTML).toBe('<div id="t"></div>');
  });
});

describe('cta', () => {
  it('swaps text, href and classes and reverts all', () => {
    const a = el('<a href="/old" class="btn">Old <b>cta</b></a>');
    const kids = [...a.childNodes];
    const c = apply(a, {
      type: 'cta',
      selector: 'a',
      text: 'Buy now, {{visitor.traits.name}}',
      href: '/buy?n={{visitor.traits.name}}',
      add: ['btn--hot'],
    });
    expect(a.textContent).toBe('Buy now, Ana');
    expect(a.getAttribute('href')).toBe('/buy?n=Ana');
    expect(a.className).toBe('btn btn--hot');
    expect(c._intact()).toBe(true);
    a.setAttribute('href', '/old');
    expect(c._intact()).toBe(false);
    c._revert();
    expect(a.getAttribute('href')).toBe('/old');
    expect(a.className).toBe('btn');
    expect([...a.childNodes]).toHaveLength(kids.length);
    a.childNodes.forEach((n, i) => {
      expect(n).toBe(kids[i]);
    });
  });

  it('detects a text overwrite and a class removal', () => {
    const a = el('<a>Old</a>');
    const c = apply(a, { type: 'cta', selector: 'a', text: 'New', add: ['x'] });
    a.textContent = 'Old';
    expect(c._intact()).toBe(false);
    a.textContent = 'New';
    expect(c._intact()).toBe(true);
    a.classList.remove('x');
    expect(c._intact()).toBe(false);
  });

  it('creates no element from an interpolated text', () => {
    const a = el('<a>Old</a>');
    apply(a, { type: 'cta', selector: 'a', text: '{{visitor.traits.evil}}' });
    expect(a.textContent).toBe(EVIL);
    noImg();
  });

  it.each([
    'javascript:alert(1)',
    'JaVaScRiPt:alert(1)',
    ' data:text/html,x',
    'java\tscript:x',
    'vbscript:x',
  ])('refuses href %j without changing anything', (href) => {
    const a = el('<a href="/old">Old</a>');
    expect(() => apply(a, { type: 'cta', selector: 'a', href, text: 'New', add: ['x'] })).toThrow(/refused/);
    expect(root.innerHTML).toBe('<a href="/old">Old</a>');
  });

  it.each(['https://x.com', 'mailto:a@b.c', 'tel:123', '/rel'])('accepts href %j', (href) => {
    const a = el('<a>Old</a>');
    apply(a, { type: 'cta', selector: 'a', href });
    expect(a.getAttribute('href')).toBe(href);
  });
});

describe('reorder', () => {
  const LIST =
    '<ul><li data-c="hats">h</li><li data-c="shoes">s</li><p>ad</p><li data-c="unknown1">u1</li>' +
    '<li data-c="bags">b</li><li>none</li><li data-c="tie1">t1</li><li data-c="unknown2">u2</li><li data-c="tie2">t2</li></ul>';
  const order = (ul: Element) => [...ul.children].map((c) => c.textContent);

  it('orders items by affinity score, stable for ties and unknown categories; other children stay', () => {
    const ul = el(LIST);
    const c = apply(ul, { type: 'reorder', selector: 'ul', items: 'li', key: 'data-c' });
    expect(order(ul)).toEqual(['b', 's', 'ad', 't1', 't2', 'h', 'u1', 'none', 'u2']);
    expect(ul.children[2]!.tagName).toBe('P');
    expect(c._intact()).toBe(true);
  });

  it('reverts to the original order with the same nodes', () => {
    const ul = el(LIST);
    const nodes = [...ul.childNodes];
    const c = apply(ul, { type: 'reorder', selector: 'ul', items: 'li', key: 'data-c' });
    c._revert();
    expect(order(ul)).toEqual(['h', 's', 'ad', 'u1', 'b', 'none', 't1', 'u2', 't2']);
    ul.childNodes.forEach((n, i) => {
      expect(n).toBe(nodes[i]);
    });
    expect(ul.childNodes).toHaveLength(nodes.length);
  });

  it('detects a page re-order', () => {
    const ul = el(LIST);
    const c = apply(ul, { type: 'reorder', selector: 'ul', items: 'li', key: 'data-c' });
    ul.appendChild(ul.querySelector('li')!);
    expect(c._intact()).toBe(false);
  });

  it('keeps the order without affinity', () => {
    const ul = el(LIST);
    apply(ul, { type: 'reorder', selector: 'ul', items: 'li', key: 'data-c' }, {});
    expect(order(ul)).toEqual(['h', 's', 'ad', 'u1', 'b', 'none', 't1', 'u2', 't2']);
  });

  // Regression: a category with no score ranked -1, below one the visitor has not visited (0 in
  // the context since every manifest category is a context path), so unknown items moved down.
  it('keeps 0-score and unknown items in their order', () => {
    const ul = el(
      '<ul><li data-c="x">x</li><li>none</li><li data-c="zero">z</li><li data-c="top">t</li></ul>',
    );
    apply(
      ul,
      { type: 'reorder', selector: 'ul', items: 'li', key: 'data-c' },
      { affinity: { zero: 0, top: 2 } },
    );
    expect(order(ul)).toEqual(['t', 'x', 'none', 'z']);
  });

  it('does not read inherited affinity keys', () => {
    const ul = el('<ul><li data-c="a">a</li><li data-c="constructor">c</li></ul>');
    apply(ul, { type: 'reorder', selector: 'ul', items: 'li', key: 'data-c' }, { affinity: { a: 1 } });
    expect(order(ul)).toEqual(['a', 'c']);
  });
});

describe('unknown types', () => {
  it('throws for an unknown action type', () => {
    const d = el('<div>x</div>');
    expect(() => apply(d, { type: 'explode', selector: 'div' })).toThrow(/unknown action type "explode"/);
    expect(() => apply(d, { type: 'banner', value: 'x' })).toThrow(/unknown action type/);
    expect(root.innerHTML).toBe('<div>x</div>');
  });
});

// Regression: reverting through the CSSOM/classList left `style=""`/`class=""` (or a
// re-serialized attribute) behind, so destroy() did not give back the original markup.
describe('revert leaves the markup as it was', () => {
  it.each([
    ['no style attribute', '<div>x</div>', { type: 'style', selector: 'div', value: { color: 'red' } }],
    [
      'a style attribute',
      '<div style="color:blue;margin:0">x</div>',
      { type: 'style', selector: 'div', value: { color: 'red', padding: '1px' } },
    ],
    ['hide, no style attribute', '<div>x</div>', { type: 'hide', selector: 'div' }],
    ['hide, a style attribute', '<div style="display:flex">x</div>', { type: 'hide', selector: 'div' }],
    ['no class attribute', '<div>x</div>', { type: 'class', selector: 'div', add: ['n'] }],
    ['an empty class attribute', '<div class="">x</div>', { type: 'class', selector: 'div', add: ['n'] }],
    [
      'a class attribute',
      '<div class="b  a">x</div>',
      { type: 'class', selector: 'div', add: ['n'], remove: ['b'] },
    ],
    ['cta, no class attribute', '<a href="/x">x</a>', { type: 'cta', selector: 'a', add: ['hot'] }],
  ])('%s', (_, html, action) => {
    const d = el(html);
    apply(d, action)._revert();
    expect(root.innerHTML).toBe(html);
  });

  it('two changes to one element, reverted latest first', () => {
    const d = el('<div>x</div>');
    const c1 = apply(d, { type: 'style', selector: 'div', value: { color: 'red' } });
    const c2 = apply(d, { type: 'hide', selector: 'div' });
    c2._revert();
    c1._revert();
    expect(root.innerHTML).toBe('<div>x</div>');
  });

  it('keeps what the page changed meanwhile', () => {
    const d = el('<div class="a">x</div>');
    const c1 = apply(d, { type: 'style', selector: 'div', value: { color: 'red' } });
    const c2 = apply(d, { type: 'class', selector: 'div', add: ['n'] });
    d.style.setProperty('opacity', '0.5');
    d.classList.add('open');
    c2._revert();
    c1._revert();
    expect(d.getAttribute('style')).toBe('opacity: 0.5;');
    expect([...d.classList]).toEqual(['a', 'open']);
  });
});
