// @vitest-environment happy-dom
import { describe, expect, it, vi } from 'vitest';
import { createTailor } from '../../src/runtime';
import * as device from '../../src/signals/device-core';

// The user agent is read only when a condition, template or context() reads device, os or
// browser (ua-parser-js, for os, browser, vendor and model, only when the manifest reads them:
// test/unit/parts.test.ts).
vi.mock('../../src/signals/device-core', async (original) => {
  const real = (await original()) as typeof device;
  return { readDevice: vi.fn(real.readDevice) };
});

const manifest = (audience?: object) => ({
  version: 1,
  site: 's',
  experiences: [{ id: 'x', ...(audience ? { audience } : {}), variants: [{ id: 'on' }] }],
});

describe('lazy device signal', () => {
  it('is not parsed for a page view that never reads it', async () => {
    vi.mocked(device.readDevice).mockClear();
    const t = createTailor({ manifest: manifest({ 'page.path': '/' }), storage: 'memory' });
    await t.start();
    expect(t.variant('x')).toBe('on');
    expect(device.readDevice).not.toHaveBeenCalled();
    expect(t.context().device.type).toBe('desktop');
    expect(device.readDevice).toHaveBeenCalledTimes(1);
  });

  it('is parsed once when a condition reads it', async () => {
    vi.mocked(device.readDevice).mockClear();
    const t = createTailor({ manifest: manifest({ 'device.type': 'desktop' }), storage: 'memory' });
    await t.start();
    t.set({ a: 1 });
    expect(t.variant('x')).toBe('on');
    expect(device.readDevice).toHaveBeenCalledTimes(1);
  });
});
