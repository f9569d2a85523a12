// The order in which the browser suite looks for Chromium (scripts/chromium.mjs). Paths are
// faked through `exists`, so these run the same on any machine, with or without a browser.
import { describe, expect, it } from 'vitest';
import { findChromium, INSTALL_HINT, SYSTEM_PATHS } from '../../../scripts/chromium.mjs';

const PW = '/root/.cache/ms-playwright/chromium-1234/chrome-linux/chrome';

/** A disk holding only `present`; records every path asked about. */
function disk(...present: string[]) {
  const asked: string[] = [];
  return {
    asked,
    exists: (p: string) => {
      asked.push(p);
      return present.includes(p);
    },
  };
}

const linux = (env: Record<string, string> = {}, d = disk(), extra = {}) =>
  findChromium({
    env,
    platform: 'linux',
    arch: 'x64',
    exists: d.exists,
    playwrightPath: () => PW,
    npmPackage: () => true,
    ...extra,
  });

describe('findChromium', () => {
  it('$CHROMIUM_PATH comes first, before a system browser', () => {
    const d = disk('/opt/my/chrome', '/usr/bin/chromium');
    expect(linux({ CHROMIUM_PATH: '/opt/my/chrome' }, d)).toEqual({
      source: 'CHROMIUM_PATH',
      path: '/opt/my/chrome',
    });
    expect(d.asked).toEqual(['/opt/my/chrome']);
  });

  it('a $CHROMIUM_PATH that does not exist is an error, not a reason to test another browser', () => {
    const r = linux({ CHROMIUM_PATH: '/nope/chrome' }, disk('/usr/bin/chromium'));
    expect(r).toEqual({
      source: 'none',
      error: expect.stringContaining('CHROMIUM_PATH is set to /nope/chrome'),
    });
  });

  it('then the system paths, in order', () => {
    expect(SYSTEM_PATHS.linux).toEqual([
      '/usr/bin/chromium',
      '/usr/bin/chromium-browser',
      '/usr/bin/google-chrome',
      '/usr/bin/google-chrome-stable',
      '/snap/bin/chromium',
    ]);
    const d = disk('/usr/bin/google-chrome-stable', '/snap/bin/chromium');
    expect(linux({}, d)).toEqual({ source: 'system', path: '/usr/bin/google-chrome-stable' });
    expect(d.asked).toEqual(SYSTEM_PATHS.linux!.slice(0, 4));
    expect(linux({}, disk('/snap/bin/chromium'))).toEqual({ source: 'system', path: '/snap/bin/chromium' });
  });

  it('on macOS the Google Chrome and Chromium app bundles', () => {
    const chrome = '/Applications/Google Chrome.app/Contents/MacOS/Google Chrome';
    const chromium = '/Applications/Chromium.app/Contents/MacOS/Chromium';
    const mac = (d: ReturnType<typeof disk>) =>
      findChromium({ env: {}, platform: 'darwin', arch: 'arm64', exists: d.exists, npmPackage: () => true });
    expect(mac(disk(chrome, chromium))).toEqual({ source: 'system', path: chrome });
    expect(mac(disk(chromium))).toEqual({ source: 'system', path: chromium });
    // No npm-delivered browser for macOS: nothing found says what to do.
    expect(mac(disk('/usr/bin/chromium'))).toEqual({
      source: 'none',
      error: expect.stringContaining(INSTALL_HINT),
    });
  });

  it('then a browser that Playwright installed, when it is on disk', () => {
    expect(linux({}, disk(PW))).toEqual({ source: 'playwright', path: PW });
    const d = disk();
    expect(linux({}, d)).toEqual({ source: 'npm' }); // Playwright knows the path, nothing is there
    expect(d.asked).toEqual([...SYSTEM_PATHS.linux!, PW]);
  });

  it('then, on Linux x64 only, the Chromium delivered by npm', () => {
    expect(linux({}, disk())).toEqual({ source: 'npm' });
    expect(linux({}, disk(), { arch: 'arm64' })).toMatchObject({ source: 'none' });
    expect(linux({}, disk(), { npmPackage: () => false })).toMatchObject({ source: 'none' });
  });

  it('nothing found: an error naming every place looked at and how to get a browser', () => {
    const r = linux({}, disk(), { npmPackage: () => false });
    expect(r.source).toBe('none');
    const error = (r as { error: string }).error;
    for (const p of [...SYSTEM_PATHS.linux!, PW]) expect(error).toContain(p);
    expect(error).toContain(INSTALL_HINT);
  });

  it('TAILOR_CHROMIUM=npm forces the npm-delivered one, over $CHROMIUM_PATH and a system browser', () => {
    const d = disk('/usr/bin/chromium', '/opt/my/chrome');
    expect(linux({ TAILOR_CHROMIUM: 'npm', CHROMIUM_PATH: '/opt/my/chrome' }, d)).toEqual({ source: 'npm' });
    expect(d.asked).toEqual([]);
  });

  it('TAILOR_CHROMIUM=npm where it cannot work is an error, not a quiet fallback', () => {
    const r = linux({ TAILOR_CHROMIUM: 'npm' }, disk('/usr/bin/chromium'), { arch: 'arm64' });
    expect(r).toEqual({ source: 'none', error: expect.stringMatching(/TAILOR_CHROMIUM=npm.*linux arm64/) });
    expect(linux({ TAILOR_CHROMIUM: 'npm' }, disk(), { npmPackage: () => false })).toMatchObject({
      source: 'none',
    });
  });

  it('a platform without known system paths (Windows) goes on to Playwright', () => {
    const win = 'C:\\pw\\chrome.exe';
    expect(
      findChromium({
        env: {},
        platform: 'win32',
        arch: 'x64',
        exists: (p) => p === win,
        playwrightPath: () => win,
        npmPackage: () => true,
      }),
    ).toEqual({ source: 'playwright', path: win });
  });
});
