import { describe, expect, it } from 'vitest';
import { conversionEvent, creditedVariants, exposureEvent } from '../../../src/track/events';

const at = [1_700_000_000_000, '/shoes', 1_699_999_000_000] as const;

describe('event records (docs/events.md)', () => {
  it('an exposure carries the moment, the visitor and the session of that moment, and a fresh id', () => {
    const a = exposureEvent(at, 'v-1', 'hero', 'b');
    expect(a).toEqual({
      type: 'exposure',
      id: expect.stringMatching(/^[\w-]{22}$/),
      ts: at[0],
      visitor: 'v-1',
      session: `v-1.${at[2]}`,
      path: '/shoes',
      experience: 'hero',
      variant: 'b',
    });
    expect(exposureEvent(at, 'v-1', 'hero', 'b').id).not.toBe(a.id);
    expect('forced' in a).toBe(false);
    expect(exposureEvent(at, 'v-1', 'hero', 'b', true).forced).toBe(true);
  });

  it('a conversion carries its value only when there is one', () => {
    const c = conversionEvent(at, 'v-2', 'purchase', 42, { hero: 'b' }, ['vip']);
    expect(c).toMatchObject({
      type: 'conversion',
      goal: 'purchase',
      value: 42,
      assignments: { hero: 'b' },
      segments: ['vip'],
    });
    expect(c.session).toBe(`v-2.${at[2]}`);
    expect('value' in conversionEvent(at, 'v-2', 'signup', undefined, {}, [])).toBe(false);
  });

  it('credits the sticky variants and this page view’s, never a forced one', () => {
    const held = creditedVariants({ hero: { v: 'a', s: 'hero' }, old: { v: 'holdout', s: 'old' } }, [
      { experience: 'hero', variant: 'b', forced: true, actions: [] },
      { experience: 'cta', variant: 'c', actions: [] },
    ]);
    expect(held).toEqual({ hero: 'a', old: 'holdout', cta: 'c' });
  });
});
