// The SPA example imports the manifest `tailor build` published from examples/spa/tailor.json:
// the copy in examples/spa/published/ must be what building the source gives today. After
// changing the source: npx tailor build examples/spa/tailor.json -o examples/spa/published, then
// npx biome format --write examples/spa/published
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { publishManifest } from '../../../src/manifest/publish';

const dir = path.resolve(__dirname, '../../../examples/spa');
const json = (file: string) => JSON.parse(readFileSync(path.join(dir, file), 'utf8'));

describe('examples/spa/published/tailor.json', () => {
  it('is examples/spa/tailor.json as tailor build publishes it', () => {
    const { manifest, problems } = publishManifest(json('tailor.json'));
    expect(problems).toEqual([]);
    expect(json('published/tailor.json')).toEqual(manifest);
  });

  it('reads no device details, so the app never loads ua-parser-js', () => {
    const { paths } = json('published/tailor.json').published;
    expect(paths.filter((p: string) => /^(os|browser)\.|^device\.(vendor|model)$/.test(p))).toEqual([]);
  });
});
