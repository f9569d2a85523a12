// @vitest-environment happy-dom
// The npm build's parts (src/parts.ts, src/ua.ts): `import()`ed when first needed, then at hand
// at once. Device details (ua-parser-js) are loaded only when the manifest reads them, before
// the decision that reads them.
import { describe, expect, it, vi } from 'vitest';
import * as parts from '../../src/parts';
import { createTailor } from '../../src/runtime';
import * as ua from '../../src/ua-chunk';

vi.mock('../../src/ua-chunk', async (original) => {
  const real = (await original()) as typeof ua;
  return { readDevice: vi.fn(real.readDevice) };
});

const CHROME =
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36';

const manifest = (audience: object) => ({
  version: 1,
  site: 's',
  experiences: [{ id: 'x', audience, variants: [{ id: 'on' }] }],
});

describe('npm parts', () => {
  it('are not there before they are asked for, then are at hand at once', async () => {
    expect(parts.tablesNow()).toBeNull();
    expect(parts.extrasNow()).toBeNull();
    const pending = parts.loadTables();
    expect(pending).toBeInstanceOf(Promise);
    const tables = await pending;
    expect(parts.tablesNow()).toBe(tables);
    expect(parts.loadTables()).toBe(tables);
    const post = await parts.loadPost();
    expect(parts.loadPost()).toBe(post);
  });

  it('device details: not loaded for a manifest that does not read them', async () => {
    vi.spyOn(navigator, 'userAgent', 'get').mockReturnValue(CHROME);
    vi.mocked(ua.readDevice).mockClear();
    const t = createTailor({ manifest: manifest({ 'device.type': 'desktop' }), storage: 'memory' });
    await t.start();
    expect(t.variant('x')).toBe('on');
    expect(ua.readDevice).not.toHaveBeenCalled();
    expect(t.context().os.name).toBeNull();
    t.destroy();
  });

  it('device details: loaded before the first decision when the manifest reads them', async () => {
    vi.spyOn(navigator, 'userAgent', 'get').mockReturnValue(CHROME);
    vi.mocked(ua.readDevice).mockClear();
    const t = createTailor({
      manifest: manifest({ 'browser.name': 'Chrome', 'os.name': 'Windows' }),
      storage: 'memory',
    });
    await t.start();
    expect(ua.readDevice).toHaveBeenCalledTimes(1);
    expect(t.variant('x')).toBe('on');
    expect(t.context().browser.major).toBe(124);
    t.destroy();
  });
});
