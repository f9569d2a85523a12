/**
 * The manifest check of the generic tags and the npm runtime for a manifest that `tailor build`
 * did not publish (docs/site-tags.md): the full validator, loaded after the first paint
 * (`tailor.check.js`, or an `import()` in the npm build). The first decision ran on what the
 * compact guard let through; here every problem the guard does not look for (context paths,
 * misspelt keys, operators) is reported, once, and each experience the validator drops is
 * dropped here too (paused for this page and the next decisions, which run at once), so a typo
 * never silently leaves an experience in place. The console says once to publish the manifest.
 */
import { validateManifest as guard } from './manifest/guard';
import type { Manifest } from './manifest/types';
import { validateManifest } from './manifest/validate';

export function checkManifest(
  options: { manifest?: unknown },
  live: Manifest,
  report: (message: string, path: string) => void,
  api: { set(data: object): void },
): void {
  const raw = options.manifest;
  console.warn(
    'tailor: this manifest was not published with `tailor build`, so every page view loads the validator (tailor.check.js); publish it (docs/site-tags.md)',
  );
  const { manifest, problems } = validateManifest(raw);
  // What the guard already reported (its own words) is not reported again.
  const known = guard(raw).problems.map((p) => p.path);
  const kept = new Set(manifest?.experiences?.map((e) => e.id));
  for (const p of problems)
    if (
      p.severity === 'error' &&
      !known.some((k) => p.path === k || p.path.startsWith(`${k}.`) || p.path.startsWith(`${k}[`))
    )
      report(p.message, p.path);
  let dropped = false;
  for (const e of live.experiences || [])
    if (!kept.has(e.id) && e.status !== 'paused')
      ((e as { status?: string }).status = 'paused'), (dropped = true);
  // A re-decision without a page view: what the dropped experiences changed is reverted.
  if (dropped) api.set({});
}
