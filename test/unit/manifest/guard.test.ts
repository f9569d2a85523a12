// @vitest-environment happy-dom
/**
 * The tags' manifest guard (src/manifest/guard.ts): structural checks on every manifest, and
 * action selectors parsed by the browser for a manifest that was not published. A published one
 * (`tailor build` checked its selectors) is trusted after the structural checks.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { validateManifest } from '../../../src/manifest/guard';
import { publishManifest } from '../../../src/manifest/publish';

const source = (selector: string) => ({
  version: 1,
  site: 's',
  experiences: [{ id: 'e', variants: [{ id: 'on', actions: [{ type: 'text', selector, value: 'x' }] }] }],
});

afterEach(() => vi.restoreAllMocks());

describe('the tags’ manifest guard', () => {
  it('drops an unpublished experience whose selector the browser refuses, naming it', () => {
    const { manifest, problems } = validateManifest(source('[[x'));
    expect(manifest?.experiences).toEqual([]);
    expect(problems.map((p) => p.message)).toEqual([
      '"[[x" is not a valid CSS selector; experience "e" is dropped',
    ]);
  });

  it('parses each selector of an unpublished manifest, and none of a published one', () => {
    const parse = vi.spyOn(DocumentFragment.prototype, 'querySelector');
    validateManifest(source('#hero'));
    expect(parse).toHaveBeenCalledTimes(1);
    const published = publishManifest(source('#hero')).manifest!;
    parse.mockClear();
    const { manifest, problems } = validateManifest(published);
    expect(parse).not.toHaveBeenCalled();
    expect(problems).toEqual([]);
    expect(manifest?.experiences?.map((e) => e.id)).toEqual(['e']);
  });

  it('still checks a published manifest’s structure: a forged stamp does not carry a broken experience', () => {
    const published = publishManifest(source('#hero')).manifest!;
    const broken = { ...published, experiences: [{ id: 'e', variants: 'none' }] };
    const { manifest, problems } = validateManifest(broken);
    expect(manifest?.experiences).toEqual([]);
    expect(problems).toHaveLength(1);
  });
});
