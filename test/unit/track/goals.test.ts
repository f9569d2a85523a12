// @vitest-environment happy-dom
import { afterEach, describe, expect, it } from 'vitest';
import { pageviewGoals, watchGoals } from '../../../src/track/goals';

afterEach(() => {
  document.body.innerHTML = '';
});

describe('watchGoals', () => {
  const goals = {
    purchase: { type: 'pageview' as const, path: '/thank-you', value: 40 },
    any: { type: 'pageview' as const, path: { regex: '^/shop/' } },
    signup: { type: 'click' as const, selector: '#signup, .signup-btn' },
    newsletter: { type: 'submit' as const, selector: 'form.newsletter' },
    broken: { type: 'click' as const, selector: '##bad' },
    custom: { type: 'event' as const },
  };

  it('fires pageview goals by path (glob and regex) with their fixed value', () => {
    const got: [string, number | undefined][] = [];
    const pageview = pageviewGoals(goals, (name, value) => got.push([name, value]));
    pageview('/thank-you');
    pageview('/shop/shoes');
    pageview('/thank-you/again');
    expect(got).toEqual([
      ['purchase', 40],
      ['any', undefined],
    ]);
  });

  it('fires click goals for the target and its descendants, even when the page stops propagation', () => {
    document.body.innerHTML =
      '<button id="signup"><span id="inner">Sign up</span></button><a class="signup-btn" href="/x">go</a><p id="other">x</p>';
    document.getElementById('signup')!.addEventListener('click', (e) => e.stopPropagation());
    const got: string[] = [];
    const stop = watchGoals(document, goals, (name) => got.push(name));
    document.getElementById('inner')!.click();
    document.querySelector<HTMLElement>('.signup-btn')!.click();
    document.getElementById('other')!.click();
    expect(got).toEqual(['signup', 'signup']);
    stop();
    document.getElementById('inner')!.click();
    expect(got).toHaveLength(2);
  });

  it('fires submit goals for matching forms only', () => {
    document.body.innerHTML = '<form class="newsletter"></form><form class="search"></form>';
    const got: string[] = [];
    const stop = watchGoals(document, goals, (name) => got.push(name));
    for (const f of document.querySelectorAll('form'))
      f.dispatchEvent(new Event('submit', { bubbles: true, cancelable: true }));
    expect(got).toEqual(['newsletter']);
    stop();
  });

  it('works without goals', () => {
    const never = () => {
      throw new Error('never');
    };
    pageviewGoals(undefined, never)('/thank-you');
    watchGoals(document, undefined, never)();
    document.body.click();
  });

  it('listens only for the kinds of goals the manifest has', () => {
    const added: string[] = [];
    const removed: string[] = [];
    const doc = {
      addEventListener: (type: string) => added.push(type),
      removeEventListener: (type: string) => removed.push(type),
    } as unknown as Document;
    watchGoals(
      doc,
      { buy: { type: 'submit', selector: 'form' }, seen: { type: 'pageview', path: '/x' } },
      () => {},
    )();
    expect(added).toEqual(['submit']);
    expect(removed).toEqual(['submit']);
    added.length = 0;
    watchGoals(doc, { seen: { type: 'pageview', path: '/x' } }, () => {});
    expect(added).toEqual([]);
  });
});
