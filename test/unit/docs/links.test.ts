import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

// Every relative link and #anchor in README.md and docs/*.md must resolve, and so must every
// `docs/<page>.md#anchor` a source comment cites: a moved heading or a renamed page fails here
// instead of in a reader's browser.

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const pages = [
  'README.md',
  ...readdirSync(path.join(root, 'docs'))
    .filter((f) => f.endsWith('.md'))
    .map((f) => `docs/${f}`),
];

/** The text outside fenced code blocks and inline code spans. */
function prose(markdown: string): string {
  return markdown.replace(/^(```|~~~)[^\n]*\n[\s\S]*?^\1[^\n]*$/gm, '').replace(/`[^`\n]*`/g, '');
}

/** GitHub's anchors for the headings of a Markdown file (duplicates get -1, -2, …). */
function anchorsOf(markdown: string): Set<string> {
  const seen = new Map<string, number>();
  const out = new Set<string>();
  const text = markdown.replace(/^(```|~~~)[^\n]*\n[\s\S]*?^\1[^\n]*$/gm, '');
  for (const [, title] of text.matchAll(/^#{1,6}\s+(.+?)\s*#*\s*$/gm)) {
    const slug = title!
      .replace(/\[([^\]]*)\]\([^)]*\)/g, '$1')
      .toLowerCase()
      .replace(/[^\p{L}\p{N}\s_-]/gu, '')
      .replace(/\s/g, '-');
    const n = seen.get(slug) ?? 0;
    seen.set(slug, n + 1);
    out.add(n ? `${slug}-${n}` : slug);
  }
  return out;
}

/** The link targets of a Markdown page: inline links and images, outside code. */
function linksOf(markdown: string): string[] {
  return [...prose(markdown).matchAll(/!?\[[^\]]*\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g)].map(
    (m) => m[1]!,
  );
}

const external = (target: string) => /^[a-z][a-z0-9+.-]*:/i.test(target);

describe('links in README.md and docs/', () => {
  it('finds the pages and their links', () => {
    expect(pages).toContain('docs/context.md');
    expect(linksOf(readFileSync(path.join(root, 'README.md'), 'utf8')).length).toBeGreaterThan(10);
  });

  it('computes anchors as GitHub does', () => {
    const anchors = anchorsOf(
      '# A `code` title\n## Consent and privacy\n## Dup\n## Dup\n### site-wide models',
    );
    expect([...anchors]).toEqual(['a-code-title', 'consent-and-privacy', 'dup', 'dup-1', 'site-wide-models']);
  });

  for (const page of pages)
    it(`${page}: every relative link and anchor resolves`, () => {
      const text = readFileSync(path.join(root, page), 'utf8');
      const broken: string[] = [];
      for (const target of linksOf(text)) {
        if (external(target)) continue;
        const [file, anchor] = target.split('#') as [string, string | undefined];
        const resolved = file
          ? path.resolve(path.dirname(path.join(root, page)), decodeURI(file))
          : path.join(root, page);
        if (!resolved.startsWith(root)) {
          broken.push(`${target}: outside the repository`);
          continue;
        }
        if (!existsSync(resolved)) {
          broken.push(`${target}: no such file`);
          continue;
        }
        if (anchor === undefined) continue;
        if (statSync(resolved).isDirectory() || !resolved.endsWith('.md')) {
          broken.push(`${target}: an anchor into a file that is not Markdown`);
          continue;
        }
        if (!anchorsOf(readFileSync(resolved, 'utf8')).has(anchor)) broken.push(`${target}: no such heading`);
      }
      expect(broken).toEqual([]);
    });

  it('every docs/ page and anchor cited in src/ exists', () => {
    const files = (dir: string): string[] =>
      readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
        e.isDirectory()
          ? files(path.join(dir, e.name))
          : e.name.endsWith('.ts')
            ? [path.join(dir, e.name)]
            : [],
      );
    const broken: string[] = [];
    let cited = 0;
    for (const file of files(path.join(root, 'src')))
      for (const [, page, anchor] of readFileSync(file, 'utf8').matchAll(
        /\bdocs\/([a-z-]+\.md)(?:#([a-z0-9-]+))?/g,
      )) {
        cited++;
        const target = path.join(root, 'docs', page!);
        const where = `${path.relative(root, file)}: docs/${page}${anchor ? `#${anchor}` : ''}`;
        if (!existsSync(target)) broken.push(`${where}: no such page`);
        else if (anchor && !anchorsOf(readFileSync(target, 'utf8')).has(anchor))
          broken.push(`${where}: no such heading`);
      }
    expect(cited).toBeGreaterThan(50);
    expect(broken).toEqual([]);
  });
});
