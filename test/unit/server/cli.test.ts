import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import type { Server } from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../../../src/server/cli';
import { parseJsonPath } from '../../../src/server/json-path';

const dir = mkdtempSync(path.join(os.tmpdir(), 'tailor-cli-'));
const file = (name: string, text: string) => {
  writeFileSync(path.join(dir, name), text);
  return name;
};

async function run(...argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const io = { out: (l: string) => out.push(l), err: (l: string) => err.push(l), cwd: dir };
  return { code: await main(argv, io), out, err };
}

/** Starts `tailor serve`; resolves once it listens. */
function serve(...argv: string[]): Promise<{ server: Server; done: Promise<number> }> {
  return new Promise((resolve) => {
    const done = main(['serve', ...argv], {
      out() {},
      err() {},
      cwd: dir,
      onServer: (server) => resolve({ server, done }),
    });
  });
}

const BAD = `{
  "version": 1,
  "site": "demo",
  "experiences": [
    {
      "id": "hero",
      "variants": [
        { "id": "b", "actions": [{ "type": "text", "selector": "##hero", "value": "x" }] }
      ]
    }
  ]
}
`;

describe('tailor validate', () => {
  it('exits 0 and says ok for a clean manifest', async () => {
    const r = await run('validate', file('ok.json', '{"version": 1, "site": "demo"}'));
    expect(r.code).toBe(0);
    expect(r.out).toEqual(['ok.json: ok']);
  });

  it('prints file:line:col  path  message for each problem and exits 1', async () => {
    const r = await run('validate', file('bad.json', BAD));
    expect(r.code).toBe(1);
    expect(r.out[0]).toBe(
      'bad.json:8:52  experiences[0].variants[0].actions[0].selector  "##hero" is not a valid CSS selector: expected name, found ##hero',
    );
    expect(r.out.at(-1)).toBe('bad.json: 1 error, 0 warnings');
  });

  it('refuses selectors Chromium refuses, saying why', async () => {
    const manifest = (selector: string) =>
      JSON.stringify({
        version: 1,
        site: 'demo',
        experiences: [{ id: 'x', variants: [{ id: 'b', actions: [{ type: 'hide', selector }] }] }],
      });
    const first = await run('validate', file('first.json', manifest('p:first')));
    expect(first.code).toBe(1);
    expect(first.out[0]).toMatch(
      /selector {2}"p:first" is not a valid CSS selector: ":first" is a jQuery extension, not CSS; use :first-child or :first-of-type$/,
    );
    const id = await run('validate', file('digit.json', manifest('#1hero')));
    expect(id.code).toBe(1);
    expect(id.out[0]).toMatch(
      /"#1hero" is not a valid CSS selector: an id cannot start with a digit \("#1hero"\)/,
    );
  });

  it('points a missing required key at its parent object', async () => {
    const r = await run(
      'validate',
      file(
        'missing.json',
        '{\n  "version": 1,\n  "site": "d",\n  "experiences": [\n    { "id": "x" }\n  ]\n}',
      ),
    );
    expect(r.out[0]).toBe('missing.json:5:5  experiences[0].variants  "variants" is required');
  });

  it('exits 1 when there are only warnings, and marks them as warnings', async () => {
    const r = await run('validate', file('warn.json', '{"version": 1, "site": "d", "colour": "red"}'));
    expect(r.code).toBe(1);
    expect(r.out).toEqual([
      'warn.json:1:29  colour  unknown key "colour" is ignored (warning)',
      'warn.json: 0 errors, 1 warning',
    ]);
  });

  it('says in its help that any problem, warnings too, makes it exit 1', async () => {
    const r = await run('help');
    expect(r.out.join('\n')).toMatch(/validate <file>[\s\S]*exits 1 on any problem \(warnings too\)/);
  });

  it('gives the line and column of a JSON syntax error in one line', async () => {
    const r = await run('validate', file('syntax.json', '{\n  "version": 1,\n  "site": "d",\n}\n'));
    expect(r.code).toBe(1);
    expect(r.err).toEqual([
      'syntax.json:4:1  invalid JSON: property name expected (a trailing comma, or a missing quote?)',
    ]);
  });

  it.each([
    ['a missing file', ['validate', 'nope.json'], 1, 'nope.json: no such file'],
    ['a directory', ['validate', '.'], 1, '.: is a directory, not a manifest file'],
    ['no file argument', ['validate'], 2, 'tailor validate: which file? Usage: tailor validate <file>'],
    [
      'an unknown command',
      ['frobnicate'],
      2,
      'tailor: unknown command "frobnicate". Run "tailor help" for the list.',
    ],
  ])('answers %s with one line', async (_, argv, code, line) => {
    const r = await run(...argv);
    expect(r.code).toBe(code);
    expect(r.err).toEqual([line]);
  });

  it('answers an empty file with one line', async () => {
    const r = await run('validate', file('empty.json', '  \n'));
    expect(r.code).toBe(1);
    expect(r.err).toHaveLength(1);
    expect(r.err[0]).toMatch(/^empty\.json: the file is empty/);
  });

  it('works as the built dist/cli.js, with exit code 1 and no stack trace', () => {
    const cli = path.resolve(__dirname, '../../../dist/cli.js');
    let status = 0;
    let stdout = '';
    try {
      execFileSync(process.execPath, [cli, 'validate', 'bad.json'], { cwd: dir, encoding: 'utf8' });
    } catch (e) {
      const x = e as { status: number; stdout: string };
      status = x.status;
      stdout = x.stdout;
    }
    expect(status).toBe(1);
    expect(stdout).toContain('bad.json:8:52  experiences[0].variants[0].actions[0].selector');
    expect(stdout).not.toContain('    at ');
  });
});

describe('tailor serve', () => {
  it('serves files from the folder and refuses paths outside it', async () => {
    mkdirSync(path.join(dir, 'site'), { recursive: true });
    writeFileSync(path.join(dir, 'site', 'index.html'), '<h1>hi</h1>');
    const r = await serve('site', '--port', '0');
    const address = r.server.address();
    const base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
    try {
      const page = await fetch(`${base}/`);
      expect(page.status).toBe(200);
      expect(page.headers.get('content-type')).toContain('text/html');
      expect(await page.text()).toBe('<h1>hi</h1>');
      expect((await fetch(`${base}/..%2fok.json`)).status).toBe(404);
      expect((await fetch(`${base}/%2e%2e/ok.json`)).status).toBe(404);
    } finally {
      r.server.close();
    }
    expect(await r.done).toBe(0);
  });
});

describe('parseJsonPath', () => {
  it.each([
    ['', []],
    ['site', ['site']],
    ['experiences[2].variants[0].id', ['experiences', 2, 'variants', 0, 'id']],
    ['segments["from-email"]["page.path"].$regex', ['segments', 'from-email', 'page.path', '$regex']],
  ])('splits %s', (input, keys) => {
    expect(parseJsonPath(input)).toEqual(keys);
  });
});
