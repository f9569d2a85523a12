import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compilePath, getPath } from '../../../src/rules/path';

describe('getPath and compilePath', () => {
  const context = {
    geo: { country: 'ES', list: ['a', 'b'] },
    n: 0,
    empty: '',
    nested: { deep: { value: null } },
    own: Object.assign(Object.create({ inherited: 'no' }), { mine: 'yes' }),
  };

  it('read own properties only: never a prototype, a constructor or an inherited member', () => {
    expect(getPath(context, 'geo.country')).toBe('ES');
    expect(getPath(context, 'geo.list.1')).toBe('b');
    expect(getPath(context, 'nested.deep.value')).toBe(null);
    expect(getPath(context, 'own.mine')).toBe('yes');
    for (const path of [
      'own.inherited',
      '__proto__',
      'geo.__proto__',
      'constructor',
      'geo.constructor.name',
      'n.x',
      'missing.x',
    ])
      expect(getPath(context, path), path).toBeUndefined();
  });

  it('agree on any path, read once or many times (getPath keeps the split path)', () => {
    const segment = fc.constantFrom(
      'geo',
      'country',
      'list',
      '0',
      '1',
      'n',
      'empty',
      'nested',
      'deep',
      'value',
      'own',
      'mine',
      'inherited',
      '__proto__',
      'constructor',
      'length',
      '',
    );
    fc.assert(
      fc.property(fc.array(segment, { minLength: 1, maxLength: 4 }), (parts) => {
        const path = parts.join('.');
        const compiled = compilePath(path);
        for (let i = 0; i < 2; i++) {
          expect(getPath(context, path)).toBe(compiled(context));
          expect(getPath(null, path)).toBe(compiled(null));
        }
      }),
      { numRuns: 500 },
    );
  });
});
