/**
 * The `tailor` command (Node ≥ 20). `main` is pure of process state so tests run it in-process:
 * it takes the arguments and an output sink and returns the exit code.
 */
import { randomBytes } from 'node:crypto';
import {
  accessSync,
  constants,
  createReadStream,
  createWriteStream,
  mkdirSync,
  readFileSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import type { Server } from 'node:http';
import { createServer } from 'node:http';
import { networkInterfaces } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import type { Node as JsonNode, ParseError } from 'jsonc-parser';
import { findNodeAtLocation, parseTree, printParseErrorCode } from 'jsonc-parser';
import { publishManifest } from '../manifest/publish';
import { selectorProblem } from '../manifest/selector-check';
import type { Manifest, ManifestProblem } from '../manifest/types';
import { validateManifest } from '../manifest/validate';
import { createCollector, failed, loadManifest, pickSite, reportFor, validateEvent } from './collector';
import { demoRoute, spaFallback } from './demo';
import { parseJsonPath } from './json-path';
import { isLoopback, parseRateLimit } from './limits';
import { openStoreSpec } from './open-store';
import { formatReport } from './report-text';
import { createReportSource } from './report-worker';
import { buildSiteTag, copyChunks, distDir, sri } from './site-tag';
import { hiddenFiles, serveStatic } from './static';
import { parseStoreSpec, type Store, type StoredEvent, type StoreSpec } from './store';

export interface Io {
  out(line: string): void;
  err(line: string): void;
  cwd: string;
  /** Receives the server of `tailor serve`, so a caller (a test) can close it. */
  onServer?(server: Server): void;
  /** Environment variables (`TAILOR_REPORT_TOKEN`). */
  env?: Record<string, string | undefined>;
  /**
   * A script that runs the report worker when started as a worker thread (the CLI bundle itself);
   * without it `tailor serve` computes reports on the main thread.
   */
  workerEntry?: string;
}

const HELP = `Usage: tailor <command>

Commands:
  validate <file>                    check a manifest; prints file:line:col  path  message
                                     per problem; exits 1 on any problem (warnings too)
  build <file> [-o tailor-build] [--manifest-only]
                                     validate as above and, with no problem, write the
                                     published manifest (normalized, stamped, with the
                                     context paths and features it uses) and the site
                                     tag built for it (tailor.js, with the chunks it
                                     loads) into the folder; --manifest-only: no tag
  serve [dir] [--port 8080] [--host 127.0.0.1]
        [--db .tailor/events.db | --store clickhouse://user:pass@host:8123/db]
        [--cors <origin,origin>] [--manifest <file>]... [--site <name>]...
        [--report-token <token>] [--rate-limit <n>/<seconds>|off] [--trust-proxy]
        [--demo]
                                     serve a folder over HTTP with the collector:
                                     POST /collect, GET /report, GET /api/report
                                     Dotfiles, dot-folders and the database are never
                                     served.
      --store <url>                  where events go: clickhouse://user:pass@host:8123/db
                                     (clickhouses:// for TLS; schema created on start;
                                     many collectors may share it), or a SQLite file
                                     (the default, --db); default: env TAILOR_STORE
      --report-token <t>             /report and /api/report require this token
                                     (Authorization: Bearer <t>, or ?token=<t> in a
                                     browser); default: env TAILOR_REPORT_TOKEN. Beyond
                                     loopback (--host other than 127.0.0.1/localhost/::1,
                                     or --trust-proxy) a token is always required: with
                                     none given, a random one is generated and printed
      --manifest <file>, --site <n>  (repeatable) /collect accepts only these sites and
                                     answers 403 to others; with neither, any site (a
                                     warning is printed beyond loopback)
      --rate-limit <n>/<seconds>     per-client limit on /collect: bursts of n, n per
                                     <seconds> sustained; past it 429 with Retry-After.
                                     Default beyond loopback: 600/60; on loopback: off
      --trust-proxy                  count clients by X-Forwarded-For (only behind a
                                     proxy that sets it); implies beyond loopback
      --cors <origins>               origins (or *) whose pages may POST /collect, checked
                                     against the Origin header; the server's own
                                     origin always may
      --demo                         also GET /api/weather and SPA routes, for the
                                     examples; not for production
  report [--db <file> | --store <url>] [--json] [--site <site>] [--manifest <file>]
                                     print the report of the collected events
  export [--db <file> | --store <url>] [--site <site>] [-o events.ndjson]
                                     write the stored events as NDJSON (one event a
                                     line, with its site and time received); stdout
                                     without -o
  import <file.ndjson> [--db <file> | --store <url>]
                                     store the events of an export (ids already stored
                                     are kept once); moves a site's history between
                                     stores
  help                               this text

Options: --help, --version`;

/** 1-based line and column of an offset. */
function lineCol(text: string, offset: number): [number, number] {
  const before = text.slice(0, offset).split('\n');
  return [before.length, before[before.length - 1]!.length + 1];
}

/** The node a problem path points at, or its nearest existing ancestor (for missing keys). */
function nodeFor(tree: JsonNode | undefined, keys: (string | number)[]): JsonNode | undefined {
  for (let n = keys.length; n >= 0 && tree; n--) {
    const node = findNodeAtLocation(tree, keys.slice(0, n));
    if (node) return node.parent?.type === 'property' ? node.parent : node;
  }
  return tree;
}

function validate(file: string | undefined, io: Io): number {
  return checkFile('validate', file, io, validateManifest).code;
}

/**
 * Reads a manifest file, runs `check` on it and prints its problems with line numbers (the one
 * output of `validate` and `build`). The exit code is non-zero on any problem.
 */
function checkFile<R extends { problems: ManifestProblem[] }>(
  command: string,
  file: string | undefined,
  io: Io,
  check: (json: unknown, options: Parameters<typeof validateManifest>[1]) => R,
): { code: number; result?: R } {
  if (!file) {
    io.err(`tailor ${command}: which file? Usage: tailor ${command} <file>`);
    return { code: 2 };
  }
  const full = path.resolve(io.cwd, file);
  let text: string;
  try {
    if (statSync(full).isDirectory()) {
      io.err(`${file}: is a directory, not a manifest file`);
      return { code: 1 };
    }
    text = readFileSync(full, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    io.err(
      `${file}: ${code === 'ENOENT' ? 'no such file' : `cannot be read (${code || (e as Error).message})`}`,
    );
    return { code: 1 };
  }
  if (!text.trim()) {
    io.err(
      `${file}: the file is empty; a manifest is a JSON object such as {"version": 1, "site": "my-site"}`,
    );
    return { code: 1 };
  }
  const errors: ParseError[] = [];
  const tree = parseTree(text, errors, { disallowComments: true, allowTrailingComma: false });
  const first = errors[0];
  if (first) {
    const [line, col] = lineCol(text, first.offset);
    // "PropertyNameExpected" → "property name expected"; a trailing comma is the usual cause.
    const what = printParseErrorCode(first.error).replace(
      /[A-Z]/g,
      (c, i) => (i ? ' ' : '') + c.toLowerCase(),
    );
    const hint = first.error === 3 || first.error === 4 ? ' (a trailing comma, or a missing quote?)' : '';
    io.err(`${file}:${line}:${col}  invalid JSON: ${what}${hint}`);
    return { code: 1 };
  }
  // The CLI's selector check knows why a selector is refused (`":first" is a jQuery extension,
  // not CSS`), and validateManifest puts that into the message.
  const result = check(JSON.parse(text), {
    isValidSelector: (selector) => selectorProblem(selector) || true,
  });
  const { problems } = result;
  let errorCount = 0;
  for (const p of problems) {
    const { message } = p;
    const node = nodeFor(tree, parseJsonPath(p.path));
    const [line, col] = lineCol(text, node?.offset ?? 0);
    if (p.severity === 'error') errorCount++;
    io.out(
      `${file}:${line}:${col}  ${p.path || '(manifest)'}  ${message}${p.severity === 'warning' ? ' (warning)' : ''}`,
    );
  }
  const warnings = problems.length - errorCount;
  const plural = (n: number, w: string) => `${n} ${w}${n === 1 ? '' : 's'}`;
  io.out(
    problems.length
      ? `${file}: ${plural(errorCount, 'error')}, ${plural(warnings, 'warning')}`
      : `${file}: ok`,
  );
  // docs/manifest.md#validation: exit code 1 on any problem, warnings included (a typo such as an unknown key
  // is a warning, and CI must catch it).
  return { code: problems.length ? 1 : 0, result };
}

/**
 * `tailor build <manifest> [-o dir]`: validates exactly as `validate` and, when the manifest has
 * no problem, writes the published manifest (normalized, with what it uses and a stamp) into
 * `dir` under the same file name. Nothing is written when there is any problem.
 */
async function build(args: string[], io: Io): Promise<number> {
  const out = flag(args, '-o', flag(args, '--out', 'tailor-build'));
  const noTag = hasFlag(args, '--manifest-only');
  const file = args.find((a) => !a.startsWith('-'));
  const { code, result } = checkFile('build', file, io, publishManifest);
  const published = result?.manifest;
  if (code || !published) return code || 1;
  const dir = path.resolve(io.cwd, out);
  const target = path.join(dir, path.basename(file!));
  if (target === path.resolve(io.cwd, file!)) {
    io.err(`tailor build: ${file} would be overwritten; choose another folder with -o`);
    return 2;
  }
  const dist = noTag ? null : distDir();
  if (!noTag && !dist) {
    io.err('tailor build: the prebuilt tag core (dist/site/tailor.site.js) is missing; run npm run build');
    return 1;
  }
  try {
    const tag = dist && (await buildSiteTag(published, dist));
    mkdirSync(dir, { recursive: true });
    writeFileSync(target, `${JSON.stringify(published, null, 2)}\n`);
    const { paths, features } = published.published;
    io.out(
      `${path.relative(io.cwd, target)}: published (${published.experiences?.length || 0} experiences, ${paths.length} context paths, ${features.length} features)`,
    );
    if (tag && dist) {
      const tagFile = path.join(dir, 'tailor.js');
      writeFileSync(tagFile, tag.code);
      copyChunks(dist, dir, tag.chunks);
      io.out(
        `${path.relative(io.cwd, tagFile)}: site tag, ${gzipSync(tag.code, { level: 9 }).length} B gzip (loads the published manifest as the generic tags do)`,
      );
      io.out(`  <script src="…/tailor.js" integrity="${sri(tag.code)}" crossorigin="anonymous"></script>`);
      io.out('  chunks beside it (loaded from its own address when needed):');
      for (const f of tag.chunks) io.out(`    ${f}  ${sri(readFileSync(path.join(dir, f)))}`);
    }
  } catch (e) {
    io.err(`tailor build: cannot write into ${dir}: ${(e as Error).message}`);
    return 1;
  }
  return 0;
}

/** Every value of a repeatable flag, removed from `args`. */
function flags(args: string[], name: string): string[] {
  const out: string[] = [];
  for (let i = args.indexOf(name); i >= 0; i = args.indexOf(name)) {
    const [, v] = args.splice(i, 2);
    if (v !== undefined) out.push(v);
  }
  return out;
}

function flag(args: string[], name: string, fallback: string): string {
  const i = args.indexOf(name);
  const v = i >= 0 ? args.splice(i, 2)[1] : undefined;
  return v ?? fallback;
}

const hasFlag = (args: string[], name: string): boolean => {
  const i = args.indexOf(name);
  if (i >= 0) args.splice(i, 1);
  return i >= 0;
};

const DEFAULT_DB = '.tailor/events.db';
/**
 * Per client on /collect beyond loopback: bursts of 600, 10 a second sustained. A page view sends
 * a few beacons, so this leaves room for many visitors behind one address (an office NAT).
 */
const DEFAULT_RATE = '600/60';

/**
 * The store `--db <file>` or `--store <url>` names (removed from `args`), SQLite paths resolved
 * against the working folder; or a one-line problem.
 */
function storeFlag(args: string[], io: Io): StoreSpec | { error: string } {
  const given = args.includes('--store');
  const db = flag(args, '--db', '');
  // TAILOR_STORE keeps a password out of the process list (any local user can read arguments).
  const store = flag(args, '--store', '') || (given || db ? '' : io.env?.TAILOR_STORE || '');
  if (given && !store)
    return { error: '--store is empty; give clickhouse://user:pass@host:8123/db or a SQLite file path' };
  if (db && store) return { error: '--db and --store both given; use one (--db <file> is --store <file>)' };
  const spec = store ? parseStoreSpec(store) : { kind: 'sqlite' as const, file: db || DEFAULT_DB };
  if ('error' in spec) return { error: `--store ${spec.error}` };
  return spec.kind === 'sqlite' ? { kind: 'sqlite', file: path.resolve(io.cwd, spec.file) } : spec;
}

/** Opens the store and reads the manifests of `serve`/`report`; prints one line on failure. */
async function openInputs(
  files: { store: StoreSpec; manifests: string[] },
  io: Io,
  command: string,
  mustExist: boolean,
): Promise<{ store: Store; manifests: Manifest[] } | null> {
  try {
    const manifests = files.manifests.map((f) => loadManifest(path.resolve(io.cwd, f)));
    return { store: await openStoreSpec(files.store, { mustExist }), manifests };
  } catch (e) {
    io.err(`tailor ${command}: ${(e as Error).message}`);
    return null;
  }
}

/** The origins a page served by this server has: the address it listens on (all of them for a wildcard). */
function ownOrigins(host: string, port: number): Set<string> {
  const hosts = new Set<string>([host]);
  if (isLoopback(host)) for (const h of ['127.0.0.1', 'localhost', '[::1]']) hosts.add(h);
  if (host === '0.0.0.0' || host === '::' || host === '[::]') {
    hosts.add('localhost');
    for (const list of Object.values(networkInterfaces()))
      for (const a of list || []) hosts.add(a.family === 'IPv6' ? `[${a.address}]` : a.address);
  }
  const out = new Set<string>();
  for (const h of hosts) {
    const name = h.includes(':') && !h.startsWith('[') ? `[${h}]` : h;
    out.add(`http://${name}:${port}`);
    if (port === 80) out.add(`http://${name}`);
  }
  return out;
}

async function serve(args: string[], io: Io): Promise<number> {
  const portText = flag(args, '--port', '8080');
  const port = Number(portText);
  const host = flag(args, '--host', '127.0.0.1');
  const storeSpec = storeFlag(args, io);
  if ('error' in storeSpec) {
    io.err(`tailor serve: ${storeSpec.error}`);
    return 2;
  }
  const files = { store: storeSpec, manifests: flags(args, '--manifest') };
  const cors = flag(args, '--cors', '')
    .split(',')
    .map((o) => o.trim().replace(/\/$/, ''))
    .filter(Boolean);
  const siteFlags = flags(args, '--site');
  const tokenFlag = flag(args, '--report-token', '');
  const rateText = flag(args, '--rate-limit', '');
  const trustProxy = hasFlag(args, '--trust-proxy');
  const demo = hasFlag(args, '--demo');
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    io.err(`tailor serve: --port must be a number from 0 to 65535, got "${portText}"`);
    return 2;
  }
  // Reached from other machines: directly, or through a proxy in front (--trust-proxy).
  const exposed = !isLoopback(host) || trustProxy;
  const rate = parseRateLimit(rateText || (exposed ? DEFAULT_RATE : 'off'));
  if (rate === 'invalid') {
    io.err(`tailor serve: --rate-limit must be <requests>/<seconds> (e.g. 600/60) or off, got "${rateText}"`);
    return 2;
  }
  const unknown = args.find((a) => a.startsWith('--'));
  if (unknown) {
    io.err(`tailor serve: unknown option ${unknown}. Run "tailor help" for the list.`);
    return 2;
  }
  const root = path.resolve(io.cwd, args.find((a) => !a.startsWith('--')) || '.');
  try {
    if (!statSync(root).isDirectory()) throw Object.assign(new Error(''), { code: 'ENOTDIR' });
    accessSync(root, constants.R_OK | constants.X_OK);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const why =
      code === 'ENOENT'
        ? 'no such directory'
        : code === 'ENOTDIR'
          ? 'not a directory'
          : `cannot be read (${code})`;
    io.err(`tailor serve: ${root}: ${why}`);
    return 1;
  }
  const inputs = await openInputs(files, io, 'serve', false);
  if (!inputs) return 1;
  const { store, manifests } = inputs;
  const dbFile = storeSpec.kind === 'sqlite' ? storeSpec.file : '';
  const allowlist = [...manifests.map((m) => m.site), ...siteFlags];
  const sites = allowlist.length ? new Set(allowlist) : null;
  let reportToken = tokenFlag || io.env?.TAILOR_REPORT_TOKEN || '';
  const generated = !reportToken && exposed;
  if (generated) reportToken = randomBytes(24).toString('base64url');
  // SQLite reports run in a worker thread with their own connection; ClickHouse computes them
  // itself, so the main thread only waits for the answer.
  const reports = createReportSource({
    store,
    db: dbFile,
    manifests,
    workerEntry: store.kind === 'sqlite' ? io.workerEntry : undefined,
  });
  let origins = new Set<string>();
  const collector = createCollector({
    store,
    cors,
    selfOrigins: () => origins,
    manifests,
    sites,
    reportToken: reportToken || null,
    rateLimit: rate,
    trustProxy,
    reports,
  });
  const isHidden = hiddenFiles(dbFile ? ['', '-wal', '-shm', '-journal'].map((x) => dbFile + x) : []);
  // The script tags and their chunks (`tailor.<name>.js`) are served from the package's own
  // dist/ when the folder has no copy.
  const dist = path.dirname(fileURLToPath(import.meta.url));
  const server = createServer((req, res) => {
    try {
      if (
        !collector(req, res) &&
        !(demo && demoRoute(req, res, root)) &&
        !serveStatic(root, req, res, isHidden) &&
        !(/^\/tailor(\.[a-z]+)+\.js$/.test(req.url || '') && serveStatic(dist, req, res, isHidden)) &&
        !(demo && spaFallback(root, req, res))
      ) {
        res.writeHead(404, { 'content-type': 'text/plain' });
        res.end('not found');
      }
    } catch (e) {
      // No request stops the server: a handler's bug answers 500 and the next request is served.
      failed(res, e);
    }
  });
  // A client that trickles its headers or body does not hold a connection for long.
  server.headersTimeout = 20_000;
  server.requestTimeout = 30_000;
  return new Promise((resolve) => {
    server.once('error', (e) => {
      const code = (e as NodeJS.ErrnoException).code;
      io.err(
        code === 'EADDRINUSE'
          ? `tailor serve: port ${port} on ${host} is already in use; choose another with --port`
          : code === 'EACCES'
            ? `tailor serve: no permission to listen on port ${port}; choose a port above 1023 with --port`
            : `tailor serve: ${(e as Error).message}`,
      );
      reports.close();
      void store.close().finally(() => resolve(1));
    });
    server.listen(port, host, () => {
      const addr = server.address();
      const actual = typeof addr === 'object' && addr ? addr.port : port;
      origins = ownOrigins(host, actual);
      // The warning and the token come before the "serving" line: whoever waits for that line
      // (a supervisor, a test) has them then.
      if (exposed && !sites)
        io.err(
          'tailor serve: warning: /collect accepts events for any site; name yours with --manifest <file> or --site <name>',
        );
      if (generated)
        io.out(
          `Report token (generated, as the server is reachable beyond loopback; set --report-token or TAILOR_REPORT_TOKEN to choose one): ${reportToken}`,
        );
      io.out(
        `Tailor serving ${root} on http://${host}:${actual}/ (report: /report, beacons: /collect)${demo ? ' [demo mode: /api/weather]' : ''}`,
      );
      io.onServer?.(server);
      server.once('close', () => {
        reports.close();
        void store.close().finally(() => resolve(0));
      });
    });
  });
}

async function report(args: string[], io: Io): Promise<number> {
  const json = hasFlag(args, '--json');
  const asked = flag(args, '--site', '');
  const storeSpec = storeFlag(args, io);
  if ('error' in storeSpec) {
    io.err(`tailor report: ${storeSpec.error}`);
    return 2;
  }
  const inputs = await openInputs(
    { store: storeSpec, manifests: flags(args, '--manifest') },
    io,
    'report',
    true,
  );
  if (!inputs) return 1;
  const { store, manifests } = inputs;
  try {
    const pick = await pickSite(store, asked);
    if ('error' in pick) {
      io.err(`tailor report: ${pick.error}${pick.sites.length ? ` (${pick.sites.join(', ')})` : ''}`);
      return 1;
    }
    const r = await reportFor(
      store,
      pick.site,
      manifests.find((m) => m.site === pick.site) || null,
      Date.now(),
    );
    if (json) io.out(JSON.stringify(r, null, 2));
    else for (const line of formatReport(r)) io.out(line);
    return 0;
  } catch (e) {
    io.err(`tailor report: ${(e as Error).message}`);
    return 1;
  } finally {
    await store.close();
  }
}

/** `tailor export`: every stored event (of one site) as NDJSON, to a file or stdout. */
async function exportEvents(args: string[], io: Io): Promise<number> {
  const site = flag(args, '--site', '');
  const out = flag(args, '-o', flag(args, '--out', ''));
  const storeSpec = storeFlag(args, io);
  if ('error' in storeSpec) {
    io.err(`tailor export: ${storeSpec.error}`);
    return 2;
  }
  const unknown = args.find((a) => a.startsWith('-'));
  if (unknown) {
    io.err(`tailor export: unknown option ${unknown}. Run "tailor help" for the list.`);
    return 2;
  }
  const inputs = await openInputs({ store: storeSpec, manifests: [] }, io, 'export', true);
  if (!inputs) return 1;
  const { store } = inputs;
  let file: import('node:fs').WriteStream | null = null;
  let n = 0;
  try {
    if (out) {
      const target = path.resolve(io.cwd, out);
      mkdirSync(path.dirname(target), { recursive: true });
      file = createWriteStream(target);
      await new Promise<void>((resolve, reject) => {
        file!.once('open', () => resolve());
        file!.once('error', reject);
      });
    }
    let chunk = '';
    for await (const e of store.exportEvents(site || null)) {
      n++;
      if (!file) io.out(JSON.stringify(e));
      else {
        chunk += `${JSON.stringify(e)}\n`;
        if (chunk.length > 1 << 16) {
          if (!file.write(chunk)) await new Promise<void>((r) => file!.once('drain', () => r()));
          chunk = '';
        }
      }
    }
    if (file) {
      const f = file;
      await new Promise<void>((resolve, reject) => {
        f.once('error', reject);
        f.end(chunk, () => resolve());
      });
      io.err(`tailor export: ${n} events written to ${out}`);
    }
    return 0;
  } catch (e) {
    io.err(`tailor export: ${(e as Error).message}`);
    return 1;
  } finally {
    file?.destroy();
    await store.close();
  }
}

/** A line of an import file that is not an exported event. */
class BadLine extends Error {}

/** Events of one import batch: same site and time received, at most this many. */
const IMPORT_BATCH = 5000;

/**
 * `tailor import <file>`: stores the events of a `tailor export` file. Each line is checked as
 * the collector checks a beacon's event; a bad line is reported with its number and nothing
 * after it is stored (what came before is, and importing again is harmless: ids are kept once).
 */
async function importEvents(args: string[], io: Io): Promise<number> {
  const storeSpec = storeFlag(args, io);
  if ('error' in storeSpec) {
    io.err(`tailor import: ${storeSpec.error}`);
    return 2;
  }
  const unknown = args.find((a) => a.startsWith('-') && a !== '-');
  if (unknown) {
    io.err(`tailor import: unknown option ${unknown}. Run "tailor help" for the list.`);
    return 2;
  }
  const fileArg = args[0];
  if (!fileArg) {
    io.err('tailor import: which file? Usage: tailor import <events.ndjson> [--store <url> | --db <file>]');
    return 2;
  }
  const source = path.resolve(io.cwd, fileArg);
  try {
    if (statSync(source).isDirectory()) throw Object.assign(new Error('is a directory'), { code: 'EISDIR' });
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    io.err(
      `tailor import: ${fileArg}: ${code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory' : `cannot be read (${code})`}`,
    );
    return 1;
  }
  const inputs = await openInputs({ store: storeSpec, manifests: [] }, io, 'import', false);
  if (!inputs) return 1;
  const { store } = inputs;
  let pending: { site: string; received: number; events: StoredEvent[] } | null = null;
  let stored = 0;
  // Several batches in flight: a ClickHouse store groups them into shared INSERTs.
  const inFlight: Promise<void>[] = [];
  const flush = async (all = false) => {
    const p = pending;
    pending = null;
    if (p?.events.length) {
      const done = store.insert(p.site, p.events, p.received).then(() => {
        stored += p.events.length;
      });
      done.catch(() => {}); // awaited below; never an unhandled rejection meanwhile
      inFlight.push(done);
    }
    while (inFlight.length > (all ? 0 : 16)) await inFlight.shift();
  };
  let line = 0;
  try {
    const lines = createInterface({ input: createReadStream(source), crlfDelay: Number.POSITIVE_INFINITY });
    for await (const text of lines) {
      line++;
      if (!text.trim()) continue;
      const problem = (why: string) => new BadLine(`${fileArg}:${line}: ${why}`);
      let parsed: unknown;
      try {
        parsed = JSON.parse(text);
      } catch {
        throw problem('invalid JSON');
      }
      if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
        throw problem('a line must be an exported event (a JSON object)');
      const { site, received, ...event } = parsed as Record<string, unknown>;
      if (typeof site !== 'string' || !site) throw problem('site must be a non-empty string');
      if (typeof received !== 'number' || !Number.isFinite(received) || received < 0)
        throw problem('received must be epoch milliseconds');
      const checked = validateEvent(event);
      if (typeof checked === 'string') throw problem(checked);
      const p = pending as { site: string; received: number; events: StoredEvent[] } | null;
      if (!p || p.site !== site || p.received !== received || p.events.length >= IMPORT_BATCH) {
        await flush();
        pending = { site, received, events: [] };
      }
      pending!.events.push(checked);
    }
    await flush(true);
    io.err(`tailor import: ${stored} events from ${fileArg} stored`);
    return 0;
  } catch (e) {
    // A bad line: the lines before it are stored. A store failure: what was under way settles.
    if (e instanceof BadLine) await flush(true).catch(() => {});
    else await Promise.allSettled(inFlight);
    io.err(
      `tailor import: ${(e as Error).message}${stored ? ` (${stored} events before it were stored)` : ''}`,
    );
    return 1;
  } finally {
    await store.close();
  }
}

export async function main(argv: string[], io: Io): Promise<number> {
  const [command, ...rest] = argv;
  switch (command) {
    case 'validate':
      return validate(rest[0], io);
    case 'build':
      return build(rest, io);
    case 'serve':
      return serve(rest, io);
    case 'report':
      return report(rest, io);
    case 'export':
      return exportEvents(rest, io);
    case 'import':
      return importEvents(rest, io);
    case undefined:
    case 'help':
    case '--help':
    case '-h':
      io.out(HELP);
      return command === undefined ? 2 : 0;
    case '--version':
    case '-v':
      io.out(typeof __VERSION__ === 'string' ? __VERSION__ : 'dev');
      return 0;
    default:
      io.err(`tailor: unknown command "${command}". Run "tailor help" for the list.`);
      return 2;
  }
}

declare const __VERSION__: string | undefined;
