/**
 * GrowthBook's `paddedVersionString`: strips a leading `v` and build metadata, splits on `.`
 * and `-`, left-pads numeric parts so plain string comparison orders versions, and appends `~`
 * to a bare `x.y.z` so it sorts after its pre-releases (`1.0.0-beta` < `1.0.0`).
 */
export function paddedVersion(input: unknown): string {
  let s = typeof input === 'number' ? `${input}` : typeof input === 'string' && input ? input : '0';
  s = s.replace(/(^v|\+.*$)/g, '');
  const parts = s.split(/[-.]/);
  if (parts.length === 3) parts.push('~');
  return parts.map((p) => (/^\d+$/.test(p) ? p.padStart(5) : p)).join('-');
}
