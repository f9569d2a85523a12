// The check the generic tags and the npm runtime load after the first paint for a manifest
// `tailor build` did not publish (src/check.ts): the validator's problems, reported once each
// and not again where the guard already spoke; the experiences the validator drops, paused and
// re-decided at once; one console warning to publish.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { checkManifest } from '../../src/check';
import { validateManifest as guard } from '../../src/manifest/guard';
import type { Manifest } from '../../src/manifest/types';

const variants = [{ id: 'v', actions: [{ type: 'text', selector: 'h1', value: 'Hi' }] }];

function run(raw: Record<string, unknown>) {
  const live = guard(raw).manifest as Manifest;
  const reported: [string, string][] = [];
  const set = vi.fn();
  checkManifest({ manifest: raw }, live, (m, p) => reported.push([p, m]), { set });
  return { live, reported, set };
}

describe('the check of an unpublished manifest', () => {
  const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
  afterEach(() => warn.mockClear());

  it('reports a misspelt context path, drops its experience and re-decides once', () => {
    const { live, reported, set } = run({
      version: 1,
      site: 's',
      experiences: [
        { id: 'typo', audience: { 'trafic.medium': 'email' }, variants },
        { id: 'key', audeince: { 'traffic.medium': 'email' }, variants },
        { id: 'fine', audience: { 'traffic.medium': 'email' }, variants },
      ],
    });
    expect(reported).toEqual([
      [
        'experiences[0].audience["trafic.medium"]',
        '"trafic.medium" is not a context path; did you mean "traffic.medium"?',
      ],
      ['experiences[1].audeince', 'unknown key "audeince": did you mean "audience"?'],
    ]);
    expect(live.experiences!.map((e) => [e.id, e.status])).toEqual([
      ['typo', 'paused'],
      ['key', 'paused'],
      ['fine', undefined],
    ]);
    expect(set).toHaveBeenCalledTimes(1);
    expect(set).toHaveBeenCalledWith({});
    expect(warn).toHaveBeenCalledTimes(1);
    expect(warn.mock.calls[0]![0]).toMatch(/not published with `tailor build`/);
  });

  it('a segment with a misspelt path is reported at the segment', () => {
    const { reported } = run({
      version: 1,
      site: 's',
      segments: { email: { 'traffic.medum': 'email' } },
      experiences: [{ id: 'fine', variants }],
    });
    expect(reported).toEqual([
      [
        'segments.email["traffic.medum"]',
        '"traffic.medum" is not a context path; did you mean "traffic.medium"?',
      ],
    ]);
  });

  it('what the guard reported is not reported again, and a clean manifest changes nothing', () => {
    const raw = {
      version: 1,
      site: 's',
      experiences: [
        { id: 'Bad Id', variants },
        { id: 'ok', variants },
      ],
    };
    expect(guard(raw).problems.map((p) => p.path)).toEqual(['experiences[0]']);
    const bad = run(raw);
    expect(bad.reported.filter(([p]) => p.startsWith('experiences[0]'))).toEqual([]);
    expect(bad.set).not.toHaveBeenCalled();
    const clean = run({ version: 1, site: 's', experiences: [{ id: 'ok', variants }] });
    expect(clean.reported).toEqual([]);
    expect(clean.set).not.toHaveBeenCalled();
    expect(clean.live.experiences![0]!.status).toBeUndefined();
  });

  it('an experience already paused stays so without a re-decision', () => {
    const { set, live } = run({
      version: 1,
      site: 's',
      experiences: [{ id: 'p', status: 'paused', audience: { 'trafic.medium': 'x' }, variants }],
    });
    expect(live.experiences![0]!.status).toBe('paused');
    expect(set).not.toHaveBeenCalled();
  });
});
