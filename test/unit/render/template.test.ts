// @vitest-environment happy-dom
import { describe, expect, it } from 'vitest';
import { fillTemplate } from '../../../src/render/template';

const ctx = {
  visitor: {
    traits: { firstName: 'Ana', plan: 'pro', zero: 0, no: false, nil: null, obj: { a: 1 }, list: [1, 2] },
  },
  geo: { country: 'DE' },
  evil: '<img src=x onerror=alert(1)>',
  amp: `Tom & "Jerry" 's <b>`,
  url: 'javascript:alert(1)',
  q: 'a b&c=d/e?f#g',
};

describe('fillTemplate', () => {
  it('returns a template without tokens unchanged', () => {
    expect(fillTemplate('Hello <b>world</b>', ctx, 'html')).toBe('Hello <b>world</b>');
    expect(fillTemplate('', ctx, 'text')).toBe('');
  });

  it('resolves dotted paths', () => {
    expect(fillTemplate('Hola {{visitor.traits.firstName}}!', ctx, 'text')).toBe('Hola Ana!');
    expect(fillTemplate('{{geo.country}}-{{visitor.traits.plan}}', ctx, 'text')).toBe('DE-pro');
  });

  it('prints falsy primitives instead of falling back', () => {
    expect(fillTemplate('{{visitor.traits.zero|x}}', ctx, 'text')).toBe('0');
    expect(fillTemplate('{{visitor.traits.no|x}}', ctx, 'text')).toBe('false');
  });

  it('uses the fallback for missing, null, object and array values', () => {
    expect(fillTemplate('Hola {{visitor.traits.lastName|amigo}}', ctx, 'text')).toBe('Hola amigo');
    expect(fillTemplate('{{visitor.traits.nil|none}}', ctx, 'text')).toBe('none');
    expect(fillTemplate('{{visitor.traits.obj|none}}', ctx, 'text')).toBe('none');
    expect(fillTemplate('{{visitor.traits.list|none}}', ctx, 'text')).toBe('none');
    expect(fillTemplate('{{missing.deep.path|x}}', ctx, 'text')).toBe('x');
    expect(fillTemplate('{{visitor.traits.firstName.length|x}}', ctx, 'text')).toBe('x');
  });

  it('gives an empty string for a missing value without fallback', () => {
    expect(fillTemplate('[{{nope}}]', ctx, 'text')).toBe('[]');
    expect(fillTemplate('[{{visitor.traits.obj}}]', ctx, 'html')).toBe('[]');
    expect(fillTemplate('[{{a}}]', null, 'text')).toBe('[]');
    expect(fillTemplate('[{{a}}]', 'str', 'text')).toBe('[]');
  });

  it('accepts an empty fallback', () => {
    expect(fillTemplate('[{{nope|}}]', ctx, 'text')).toBe('[]');
  });

  it('tolerates whitespace inside the braces', () => {
    expect(fillTemplate('{{ visitor.traits.firstName }}', ctx, 'text')).toBe('Ana');
    expect(fillTemplate('{{  geo.country\t}}', ctx, 'text')).toBe('DE');
    expect(fillTemplate('Hola {{ visitor.traits.x | amigo }}!', ctx, 'text')).toBe('Hola amigo!');
    expect(fillTemplate('{{ visitor.traits.x | dear friend }}', ctx, 'text')).toBe('dear friend');
  });

  it('replaces every token and leaves malformed ones alone', () => {
    expect(fillTemplate('{{geo.country}} {{geo.country}} {{geo.country}}', ctx, 'text')).toBe('DE DE DE');
    expect(fillTemplate('{{geo.country} {geo.country}}', ctx, 'text')).toBe('{{geo.country} {geo.country}}');
  });

  it('does not re-expand a value that looks like a template', () => {
    expect(fillTemplate('{{t}}', { t: '{{geo.country}}', geo: { country: 'DE' } }, 'text')).toBe(
      '{{geo.country}}',
    );
  });

  /** Parses html-mode output the way an action does. */
  const parse = (html: string) => {
    const el = document.createElement('div');
    el.innerHTML = html;
    return el;
  };

  it('puts values into HTML as text: & < > " and \' come out as typed', () => {
    const el = parse(fillTemplate('<p title="{{amp}}">{{amp}}</p>', ctx, 'html'));
    expect(el.querySelector('p')!.textContent).toBe(ctx.amp);
    expect(el.querySelector('p')!.getAttribute('title')).toBe(ctx.amp);
    expect(el.querySelectorAll('b')).toHaveLength(0);
    expect(fillTemplate('<p>{{evil}}</p>', ctx, 'html')).toBe('<p>&lt;img src=x onerror=alert(1)&gt;</p>');
  });

  it('puts fallbacks in as text too', () => {
    expect(parse(fillTemplate('{{nope|<b>x</b>}}', ctx, 'html')).innerHTML).toBe('&lt;b&gt;x&lt;/b&gt;');
  });

  it('keeps a value inside an unquoted attribute (no new attributes)', () => {
    const payload = { v: 'x onerror=alert(1) data-x=1' };
    const el = parse(fillTemplate('<img src=/a.png alt={{v}}><p class={{v}}>t</p>', payload, 'html'));
    const img = el.querySelector('img')!;
    expect([...img.attributes].map((a) => a.name)).toEqual(['src', 'alt']);
    expect(img.getAttribute('alt')).toBe(payload.v);
    expect([...el.querySelector('p')!.attributes].map((a) => a.name)).toEqual(['class']);
  });

  it('never puts a value into event handlers, srcdoc, <script>, <style> or <meta>', () => {
    const payload = { v: "'+alert(1)+'" };
    const el = parse(
      fillTemplate(
        `<button onclick="go('{{v}}')" ONMOUSEOVER={{v}}>b</button><iframe srcdoc="<p>{{v}}</p>"></iframe>` +
          `<script>var s = '{{v}}';</script><style>p::after{content:'{{v}}'}</style>` +
          `<meta http-equiv="refresh" content="0;url={{v}}"><p>{{v}}</p>`,
        payload,
        'html',
      ),
    );
    expect(el.querySelector('button')!.getAttribute('onclick')).toBe("go('')");
    expect(el.querySelector('button')!.getAttribute('onmouseover')).toBe('');
    expect(el.querySelector('iframe')!.getAttribute('srcdoc')).toBe('<p></p>');
    expect(el.querySelector('script')!.textContent).toBe("var s = '';");
    expect(el.querySelector('style')!.textContent).toBe("p::after{content:''}");
    expect(el.querySelector('meta')!.getAttribute('content')).toBe('0;url=');
    // Elsewhere the value is text, as typed.
    expect(el.querySelector('p')!.textContent).toBe(payload.v);
  });

  it('never names an attribute with a value, and drops tokens in comments', () => {
    // (Chromium drops the attribute, see test/browser/security.test.ts; happy-dom's parser splits
    // its name, so only the outcome is asserted here.)
    const el = parse(fillTemplate('<p {{v}}=1 title="t"><!-- {{v}} -->x</p>', { v: 'onclick' }, 'html'));
    expect(el.querySelector('p')!.getAttribute('title')).toBe('t');
    expect(el.innerHTML).not.toContain('onclick');
    expect(el.innerHTML).not.toMatch(/[\uE000\uE001]/);
  });

  it('never creates elements from a value in html mode', () => {
    const el = document.createElement('div');
    el.innerHTML = fillTemplate('<span>{{evil}}</span>', ctx, 'html');
    expect(el.querySelectorAll('img')).toHaveLength(0);
    expect(el.querySelector('span')!.textContent).toBe(ctx.evil);
  });

  it('leaves values as-is in text mode (textContent/setAttribute never parse markup)', () => {
    expect(fillTemplate('{{evil}}', ctx, 'text')).toBe(ctx.evil);
  });

  it('url-encodes values so they cannot add a scheme, path or parameter', () => {
    expect(fillTemplate('/search?q={{q}}', ctx, 'url')).toBe('/search?q=a%20b%26c%3Dd%2Fe%3Ff%23g');
    expect(fillTemplate('{{url}}', ctx, 'url')).toBe('javascript%3Aalert(1)');
    expect(fillTemplate('/p/{{evil}}', ctx, 'url')).not.toMatch(/[<> ]/);
  });

  it('url-encodes values inside URL attributes of html templates, quoted or not', () => {
    const el = parse(
      fillTemplate(
        `<a href="{{url}}">{{url}}</a><a title=x href='/s?q={{q}}&r={{amp}}'>s</a><img src={{url}} alt="{{url}}">` +
          '<svg><a xlink:href="{{url}}"><set attributeName="href" to="{{url}}"/></a></svg><form action={{url}}></form>',
        ctx,
        'html',
      ),
    );
    const [a1, a2] = el.querySelectorAll('a');
    expect(a1!.getAttribute('href')).toBe('javascript%3Aalert(1)');
    expect(a1!.textContent).toBe('javascript:alert(1)');
    expect(a2!.getAttribute('href')).toBe(
      `/s?q=${encodeURIComponent(ctx.q)}&r=${encodeURIComponent(ctx.amp)}`,
    );
    expect(el.querySelector('img')!.getAttribute('src')).toBe('javascript%3Aalert(1)');
    expect(el.querySelector('img')!.getAttribute('alt')).toBe('javascript:alert(1)');
    expect(el.querySelector('set')!.getAttribute('to')).toBe('javascript%3Aalert(1)');
    expect(el.querySelector('form')!.getAttribute('action')).toBe('javascript%3Aalert(1)');
  });

  it('never reaches prototype members', () => {
    for (const mode of ['text', 'html', 'url'] as const) {
      expect(fillTemplate('{{constructor|fb}}', ctx, mode)).toBe('fb');
      expect(fillTemplate('{{__proto__|fb}}', ctx, mode)).toBe('fb');
      expect(fillTemplate('{{toString|fb}}', ctx, mode)).toBe('fb');
      expect(fillTemplate('{{visitor.constructor.name|fb}}', ctx, mode)).toBe('fb');
      expect(fillTemplate('{{visitor.__proto__.constructor|fb}}', ctx, mode)).toBe('fb');
      expect(fillTemplate('{{visitor.traits.hasOwnProperty|fb}}', ctx, mode)).toBe('fb');
    }
    expect(fillTemplate('{{constructor}}', {}, 'text')).toBe('');
  });

  it('reads own properties of objects with a null prototype', () => {
    const o = Object.assign(Object.create(null), { a: 'yes' });
    expect(fillTemplate('{{o.a}}', { o }, 'text')).toBe('yes');
  });
});
