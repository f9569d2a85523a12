import { existsSync } from 'node:fs';
import path from 'node:path';
import { chromiumPath } from './chromium';
import { ROOT } from './server';

/** Fails the suite early, with a message saying what to do, instead of passing silently. */
export default function setup(): void {
  for (const file of ['dist/tailor.min.js', 'dist/tailor.lite.min.js']) {
    if (!existsSync(path.join(ROOT, file))) throw new Error(`${file} is missing: run "npm run build" first.`);
  }
  chromiumPath();
}
