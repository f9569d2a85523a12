// Finds the Chromium that the browser suite and the benchmarks drive, so that `npm install &&
// npm test` works on a machine without a system browser. Order: $CHROMIUM_PATH, a system
// Chrome/Chromium, a browser that Playwright installed, then (Linux x64) the Chromium that the
// @sparticuz/chromium devDependency ships inside its npm package. TAILOR_CHROMIUM=npm forces
// the last one, so CI keeps that path green as well. Nothing here downloads anything.
import {
  createReadStream,
  createWriteStream,
  existsSync,
  mkdirSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { pathToFileURL } from 'node:url';
import { createBrotliDecompress } from 'node:zlib';

export const SYSTEM_PATHS = {
  linux: [
    '/usr/bin/chromium',
    '/usr/bin/chromium-browser',
    '/usr/bin/google-chrome',
    '/usr/bin/google-chrome-stable',
    '/snap/bin/chromium',
  ],
  darwin: [
    '/Applications/Google Chrome.app/Contents/MacOS/Google Chrome',
    '/Applications/Chromium.app/Contents/MacOS/Chromium',
  ],
};

export const INSTALL_HINT =
  'The browser suite needs Chromium. "npm install" brings one on Linux x64 (@sparticuz/chromium); ' +
  'elsewhere install Chrome or Chromium (Debian/Ubuntu: "apt-get install -y chromium"), ' +
  'or set CHROMIUM_PATH to a Chromium or Chrome executable.';

/** Flags every launch uses, whichever browser was found. */
export const BASE_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/**
 * Which browser to use, decided from the arguments only (no disk access of its own), so the
 * order can be tested with faked paths. Returns `{ source, path }` for an executable,
 * `{ source: 'npm' }` for the npm-delivered one (extracted later), or `{ source: 'none', error }`.
 */
export function findChromium({
  env = process.env,
  platform = process.platform,
  arch = process.arch,
  exists = existsSync,
  playwrightPath = () => undefined,
  npmPackage = () => false,
} = {}) {
  const npmUsable = platform === 'linux' && arch === 'x64' && npmPackage();
  if (env.TAILOR_CHROMIUM === 'npm') {
    if (npmUsable) return { source: 'npm' };
    return {
      source: 'none',
      error:
        `TAILOR_CHROMIUM=npm, but the npm-delivered Chromium needs Linux x64 (this is ${platform} ${arch}) ` +
        'and the @sparticuz/chromium devDependency installed ("npm install").',
    };
  }
  // An explicit path that is wrong is an error, not a reason to quietly test another browser.
  if (env.CHROMIUM_PATH) {
    if (exists(env.CHROMIUM_PATH)) return { source: 'CHROMIUM_PATH', path: env.CHROMIUM_PATH };
    return { source: 'none', error: `CHROMIUM_PATH is set to ${env.CHROMIUM_PATH}, which does not exist.` };
  }
  const tried = [...(SYSTEM_PATHS[platform] ?? [])];
  const found = tried.find((p) => exists(p));
  if (found) return { source: 'system', path: found };
  const pw = playwrightPath();
  if (pw) {
    if (exists(pw)) return { source: 'playwright', path: pw };
    tried.push(pw);
  }
  if (npmUsable) return { source: 'npm' };
  return {
    source: 'none',
    error: `No Chromium found (looked at ${tried.join(', ') || 'nothing'}). ${INSTALL_HINT}`,
  };
}

const require = createRequire(import.meta.url);

function npmPackageDir() {
  try {
    return path.dirname(path.dirname(path.dirname(require.resolve('@sparticuz/chromium'))));
  } catch {
    return undefined;
  }
}

async function playwrightExecutable() {
  try {
    const { chromium } = await import('playwright-core');
    return chromium.executablePath() || undefined;
  } catch {
    return undefined; // playwright-core throws when it knows no browser for this platform
  }
}

/**
 * Unpacks the npm-delivered Chromium (brotli files inside the package) into a folder named after
 * the package version under the temp dir, once: later runs reuse it. Unpacking happens in a
 * scratch folder renamed into place at the end, so a run killed half-way (or a second process
 * doing the same) never leaves a truncated browser that looks complete.
 */
async function extractNpmChromium() {
  const dir = npmPackageDir();
  if (!dir) throw new Error(`@sparticuz/chromium is not installed. ${INSTALL_HINT}`);
  const { version } = require(path.join(dir, 'package.json'));
  const target = path.join(os.tmpdir(), `tailor-chromium-${version}`);
  if (!existsSync(path.join(target, 'chromium'))) {
    const scratch = `${target}.${process.pid}.tmp`;
    rmSync(scratch, { recursive: true, force: true });
    mkdirSync(scratch, { recursive: true });
    const bin = path.join(dir, 'bin');
    // The package's own extractor writes to os.tmpdir(); the tarballs are read with it (it
    // brings its tar reader), the browser itself is a plain brotli stream.
    const { inflate } = await import(pathToFileURL(path.join(dir, 'build/esm/lambdafs.js')).href);
    const previous = process.env.TMPDIR;
    process.env.TMPDIR = scratch;
    try {
      await pipeline(
        createReadStream(path.join(bin, 'chromium.br')),
        createBrotliDecompress(),
        createWriteStream(path.join(scratch, 'chromium'), { mode: 0o755 }),
      );
      // fonts: a font for pages on machines without any; al2023: the NSS and expat libraries
      // the binary links against, which a bare Linux lacks; swiftshader: its software GL.
      for (const file of ['fonts.tar.br', 'al2023.tar.br', 'swiftshader.tar.br']) {
        await inflate(path.join(bin, file));
      }
    } finally {
      if (previous === undefined) delete process.env.TMPDIR;
      else process.env.TMPDIR = previous;
    }
    writeFileSync(
      path.join(scratch, 'fonts.conf'),
      `<?xml version="1.0"?>\n<!DOCTYPE fontconfig SYSTEM "fonts.dtd">\n<fontconfig>\n` +
        `  <include ignore_missing="yes">/etc/fonts/fonts.conf</include>\n` +
        `  <dir>${path.join(target, 'fonts')}</dir>\n  <cachedir>${path.join(target, 'fonts-cache')}</cachedir>\n</fontconfig>\n`,
    );
    try {
      renameSync(scratch, target);
    } catch (e) {
      // Another process got there first: its copy is complete, this one is dropped.
      rmSync(scratch, { recursive: true, force: true });
      if (!existsSync(path.join(target, 'chromium'))) throw e;
    }
  }
  return {
    executablePath: path.join(target, 'chromium'),
    // The package's own flag list is for serverless sandboxes and weakens the browser
    // (--disable-web-security, --single-process): the suite tests CSP and origins. BASE_ARGS
    // (--headless, --no-sandbox for root) are all this binary needs.
    args: [],
    env: {
      LD_LIBRARY_PATH: [path.join(target, 'al2023', 'lib'), process.env.LD_LIBRARY_PATH]
        .filter(Boolean)
        .join(':'),
      FONTCONFIG_FILE: path.join(target, 'fonts.conf'),
    },
  };
}

/**
 * The browser to launch: `{ source, executablePath, args, env }` (`env` holds only the
 * variables to add to the process environment). Throws with what to do when there is none.
 */
export async function resolveChromium(env = process.env) {
  const pw = await playwrightExecutable();
  const found = findChromium({
    env,
    playwrightPath: () => pw,
    npmPackage: () => npmPackageDir() !== undefined,
  });
  if (found.source === 'none') throw new Error(found.error);
  if (found.source === 'npm') return { source: 'npm', ...(await extractNpmChromium()) };
  return { source: found.source, executablePath: found.path, args: [], env: {} };
}

if (process.argv[1] && path.resolve(process.argv[1]) === path.resolve(new URL(import.meta.url).pathname)) {
  const started = Date.now();
  const r = await resolveChromium();
  console.log(`${r.source}: ${r.executablePath} (${Date.now() - started} ms)`);
}
