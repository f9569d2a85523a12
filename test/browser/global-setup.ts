import { existsSync } from 'node:fs';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { resolveChromium } from '../../scripts/chromium.mjs';
import { ROOT } from './server';

/**
 * Fails the suite early, with a message saying what to do, instead of passing silently; finds
 * the browser once (unpacking the npm-delivered one takes seconds) and hands it to every file.
 */
export default async function setup(project: TestProject): Promise<void> {
  for (const file of ['dist/tailor.min.js', 'dist/tailor.lite.min.js']) {
    if (!existsSync(path.join(ROOT, file))) throw new Error(`${file} is missing: run "npm run build" first.`);
  }
  const found = await resolveChromium();
  console.log(`browser suite: Chromium from ${found.source}, ${found.executablePath}`);
  project.provide('chromium', found);
}
