/** Splits a problem path such as `experiences[2].segments["from-email"].x` into its keys. */
export function parseJsonPath(path: string): (string | number)[] {
  const keys: (string | number)[] = [];
  const re = /\[(\d+)\]|\["((?:[^"\\]|\\.)*)"\]|\.?([^.[\]]+)/g;
  for (let m = re.exec(path); m; m = re.exec(path)) {
    if (m[1] !== undefined) keys.push(Number(m[1]));
    else if (m[2] !== undefined) keys.push(JSON.parse(`"${m[2]}"`));
    else if (m[3] !== undefined) keys.push(m[3]);
  }
  return keys;
}
