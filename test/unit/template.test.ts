// @vitest-environment happy-dom
import { describe, expect, it } from 'vitest';
import { escapeHtml, fillTemplate } from '../../src/render/template';

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

  it('html-escapes & < > " and \' in values', () => {
    expect(fillTemplate('{{amp}}', ctx, 'html')).toBe('Tom &amp; &quot;Jerry&quot; &#39;s &lt;b&gt;');
    expect(fillTemplate('<p>{{evil}}</p>', ctx, 'html')).toBe('<p>&lt;img src=x onerror=alert(1)&gt;</p>');
    expect(escapeHtml(`&<>"'`)).toBe('&amp;&lt;&gt;&quot;&#39;');
  });

  it('html-escapes fallbacks too', () => {
    expect(fillTemplate('{{nope|<b>x</b>}}', ctx, 'html')).toBe('&lt;b&gt;x&lt;/b&gt;');
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

  it('url-encodes (then html-escapes) values inside URL attributes of html templates', () => {
    expect(fillTemplate('<a href="{{url}}">{{url}}</a>', ctx, 'html')).toBe(
      '<a href="javascript%3Aalert(1)">javascript:alert(1)</a>',
    );
    expect(fillTemplate("<a title=x href='/s?q={{q}}&r={{amp}}'>", ctx, 'html')).toBe(
      "<a title=x href='/s?q=a%20b%26c%3Dd%2Fe%3Ff%23g&r=Tom%20%26%20%22Jerry%22%20&#39;s%20%3Cb%3E'>",
    );
    expect(fillTemplate('<img src={{url}} alt="{{url}}">', ctx, 'html')).toBe(
      '<img src=javascript%3Aalert(1) alt="javascript:alert(1)">',
    );
    expect(fillTemplate('<iframe srcdoc="{{evil}}">', ctx, 'html')).toBe(
      '<iframe srcdoc="%3Cimg%20src%3Dx%20onerror%3Dalert(1)%3E">',
    );
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
