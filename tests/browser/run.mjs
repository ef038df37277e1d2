#!/usr/bin/env node
// Browser tests for knead's themes.
//
// Builds the bundled site once with every theme in themes/ (a temporary copy of
// site.yaml, content/, themes/ and templates/ with `theme: <name>`), serves each build
// on 127.0.0.1 (a random free port) and checks, in Debian's Chromium driven by
// playwright-core, every page (at least one of every page type):
//
//   - axe-core (wcag2a, wcag2aa, wcag21a, wcag21aa, wcag22aa): zero violations, in the
//     light and the dark colour scheme, at 375 and 1280 px, with every <details> open;
//   - no horizontal scrolling at 320, 375, 1280 and 1440 px;
//   - no request leaves the local server, and none fails;
//   - the skip link is the first thing Tab reaches, is visible then, and leads to #main;
//   - every element Tab reaches shows a focus indicator;
//   - body text is at least 16 px, and no line of body text is longer than 75 characters;
//   - the dark scheme really changes the colours;
//   - on every page with callouts, in both schemes: each is a box whose bold title names
//     its kind, warnings and cautions are tinted with a warm border, axe finds nothing;
// plus, per theme: CSS+JS together under 30 KB with no external URLs (the search script
// included), and the Nu Html Checker (vnu.jar) reports zero errors on every HTML file of
// the build; and site search: "sciatica" typed into the header search box finds the
// sciatica article first, a query without matches says so, keyboard-only use works, the
// page explains itself without JavaScript, and all of it under a subpath base_url too;
// and nothing on the search page moves (no layout-shift entries, with or without recent
// input) while results draw or when "Show more results" adds some, at 1280 and 375 px;
// and the pagination of lists (the site is built with a small `paginate_by`, so every
// page of a list is checked as above): the nav's links, `rel` prev/next and
// `aria-current`, reaching and following "Next" with the keyboard, axe on the nav, and
// the redirect from `page/1/`, at the root and under a subpath.
//
// The theme of two templates in tests/fixtures/slim is built too, and axe runs on three
// of its pages in both schemes.
//
// Every page of each build is checked (a few seconds per page); --quick checks only the
// richest page of each type (the one with the most tables, FAQs, images, ...).
//
// Usage: node run.mjs [--knead PATH] [--quick]
//   --knead PATH  the knead binary (default: env KNEAD_BIN, else `cargo run` in the repo)
//   --quick       one page of each page type only (env BROWSER_TEST_QUICK=1)
// Env: CHROMIUM (default /usr/bin/chromium), SCREENSHOTS_DIR (write screenshots there),
//      CI=true (a missing browser or Java is a failure, not a skip).
// Ends with a line `N passed, M failed` and exits 1 on any failure.

import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const HERE = path.dirname(fileURLToPath(import.meta.url));
const REPO = path.resolve(HERE, '..', '..');
const CI = process.env.CI === 'true';
const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
const SCREENSHOTS_DIR = process.env.SCREENSHOTS_DIR ? path.resolve(process.env.SCREENSHOTS_DIR) : '';
const AXE_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'];
const OVERFLOW_WIDTHS = [320, 375, 1280, 1440];
const AXE_WIDTHS = [375, 1280];
const SCHEMES = ['light', 'dark'];
const MAX_ASSET_BYTES = 30 * 1000; // CSS + JS of a theme, uncompressed
const MAX_LINE_CHARS = 75;
const MIN_FONT_PX = 16;
const TOTAL_TIMEOUT_MS = 20 * 60 * 1000;
const STEP_TIMEOUT_MS = 30 * 1000;
const HEIGHT = 900;

// ---------------------------------------------------------------------------------------
// Arguments

const argv = process.argv.slice(2);
let kneadBin = process.env.KNEAD_BIN || '';
let all = process.env.BROWSER_TEST_QUICK !== '1';
let onlyLanguages = false;
for (let i = 0; i < argv.length; i++) {
  if (argv[i] === '--knead' && i + 1 < argv.length) kneadBin = path.resolve(argv[++i]);
  else if (argv[i] === '--quick') all = false;
  else if (argv[i] === '--languages') onlyLanguages = true;
  else {
    console.error(`usage: node run.mjs [--knead PATH] [--quick] [--languages]  (unknown argument: ${argv[i]})`);
    process.exit(2);
  }
}

// ---------------------------------------------------------------------------------------
// Results

const results = [];
const notes = [];
const grouped = new Map(); // note text -> { pages, modes }
function note(text, page, mode) {
  if (!grouped.has(text)) grouped.set(text, { pages: new Set(), modes: new Set() });
  grouped.get(text).pages.add(page);
  grouped.get(text).modes.add(mode);
}
function record(name, ok, detail = '') {
  results.push({ name, ok, detail });
  console.log(`${ok ? 'PASS' : 'FAIL'}  ${name}`);
  if (!ok && detail) console.log(indent(detail, 6));
}
function indent(text, n) {
  const pad = ' '.repeat(n);
  return String(text).split('\n').map((l) => pad + l).join('\n');
}
function summary() {
  const passed = results.filter((r) => r.ok).length;
  const failed = results.length - passed;
  for (const [text, g] of grouped) {
    const pages = [...g.pages];
    notes.push(`${text}: on ${pages.length === 1 ? pages[0] : `${pages.length} pages`} (${[...g.modes].join(', ')}); not a failure, but worth a look`);
  }
  grouped.clear();
  if (notes.length) {
    console.log('\nNotes:');
    for (const n of notes) console.log(indent(n, 2));
  }
  if (failed) {
    console.log('\nFailures:');
    for (const r of results.filter((x) => !x.ok)) console.log(`  - ${r.name}`);
  }
  console.log(`\n${passed} passed, ${failed} failed`);
  return failed;
}

// ---------------------------------------------------------------------------------------
// Building the site with each theme

function run(cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, { encoding: 'utf8', timeout: 10 * 60 * 1000, maxBuffer: 64 << 20, ...opts });
  return { status: r.status, out: `${r.stdout || ''}${r.stderr || ''}`, error: r.error };
}

function kneadCommand() {
  if (kneadBin) return [kneadBin, []];
  return ['cargo', ['run', '--quiet', '--locked', '--manifest-path', path.join(REPO, 'Cargo.toml'), '--']];
}

function themesInRepo() {
  const dir = path.join(REPO, 'themes');
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .filter((e) => e.isDirectory() && fs.existsSync(path.join(dir, e.name, 'templates')))
    .map((e) => e.name)
    .sort((a, b) => (a === 'default' ? -1 : b === 'default' ? 1 : a.localeCompare(b)));
}

/** Articles per list page in the test builds: the bundled site's lists then span pages. */
const PAGINATE_BY = 4;

/** A copy of the bundled site that uses `theme` (and `PAGINATE_BY`), built into `<tmp>/<theme>/public`. */
function buildWithTheme(theme, tmp, baseUrl = '') {
  const name = baseUrl ? `${theme}-subpath` : theme;
  const root = path.join(tmp, name, 'site');
  fs.mkdirSync(root, { recursive: true });
  let yaml = fs.readFileSync(path.join(REPO, 'site.yaml'), 'utf8');
  yaml = /^theme:.*$/m.test(yaml) ? yaml.replace(/^theme:.*$/m, `theme: ${theme}`) : `${yaml.trimEnd()}\ntheme: ${theme}\n`;
  yaml = `${yaml.replace(/^paginate_by:.*\n?/m, '').trimEnd()}\npaginate_by: ${PAGINATE_BY}\n`;
  fs.writeFileSync(path.join(root, 'site.yaml'), yaml);
  for (const sub of ['content', 'themes', 'templates']) {
    const src = path.join(REPO, sub);
    if (fs.existsSync(src)) fs.cpSync(src, path.join(root, sub), { recursive: true });
  }
  const out = path.join(tmp, name, 'public');
  const [cmd, pre] = kneadCommand();
  const r = run(cmd, [...pre, 'build', '--root', root, '--output', out, ...(baseUrl ? ['--base-url', baseUrl] : [])], { cwd: REPO });
  const ok = r.status === 0 && fs.existsSync(path.join(out, 'index.html'));
  record(`${theme} · knead build${baseUrl ? ` --base-url ${baseUrl}` : ''}`, ok, ok ? '' : `${cmd} ${pre.join(' ')} build exited ${r.status}${r.error ? ` (${r.error.message})` : ''}\n${r.out.trim()}`);
  return ok ? out : null;
}

// ---------------------------------------------------------------------------------------
// Pages of a build, by type

const TYPES = ['home', 'article list', 'article', 'technique list', 'technique', 'benefit list', 'benefit', 'tag list', 'tag', 'list page', 'faq', 'page', 'search', '404'];

function htmlFiles(dir, rel = '') {
  const out = [];
  for (const e of fs.readdirSync(path.join(dir, rel), { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
    const r = rel ? `${rel}/${e.name}` : e.name;
    if (e.isDirectory()) out.push(...htmlFiles(dir, r));
    else if (e.name.endsWith('.html')) out.push(r);
  }
  return out;
}

function pageType(rel) {
  if (rel === 'index.html') return 'home';
  if (rel === '404.html') return '404';
  const parts = rel.split('/');
  if (parts.at(-1) !== 'index.html') return null;
  // `<list>page/<n>/`: a page after the first of a list; `page/1/` only redirects.
  const n = parts.length > 3 && parts.at(-3) === 'page' ? Number(parts.at(-2)) : 0;
  if (n) return n >= 2 ? 'list page' : null;
  const section = { articles: 'article', techniques: 'technique', benefits: 'benefit', tags: 'tag' }[parts[0]];
  if (section && parts.length === 2) return `${section} list`;
  if (section && parts.length === 3) return section;
  if (parts[0] === 'faq' && parts.length === 2) return 'faq';
  if (parts[0] === 'search' && parts.length === 2) return 'search';
  if (parts.length === 2) return 'page';
  return null;
}

/** How much of a theme a page exercises, to pick the richest page of each type. */
function richness(html) {
  const n = (re) => (html.match(re) || []).length;
  return n(/<table/g) * 5 + n(/<details/g) * 2 + n(/<img/g) * 5 + n(/class="reviewed/g) * 3 + n(/rel="(prev|next)"/g) + n(/<li/g) / 50 + n(/class="citation"/g) + n(/data-evidence/g);
}

function pagesOf(out) {
  const byType = new Map();
  for (const rel of htmlFiles(out)) {
    const type = pageType(rel);
    if (!type) continue;
    const html = fs.readFileSync(path.join(out, rel), 'utf8');
    const url = type === '404' ? '/this-page-does-not-exist/' : `/${rel.replace(/index\.html$/, '')}`;
    if (!byType.has(type)) byType.set(type, []);
    byType.get(type).push({ type, rel, url, score: richness(html) });
  }
  const pages = [];
  const best = new Map();
  for (const [type, list] of byType) {
    best.set(type, list.reduce((b, p) => (p.score > b.score ? p : b)));
    pages.push(...(all ? list : [best.get(type)]));
  }
  return { pages, best, missing: TYPES.filter((t) => !byType.has(t)) };
}

// ---------------------------------------------------------------------------------------
// A tiny static server

const MIME = {
  '.html': 'text/html; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.json': 'application/json',
  '.xml': 'application/xml',
  '.txt': 'text/plain; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.webp': 'image/webp',
  '.avif': 'image/avif',
  '.gif': 'image/gif',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
};

function serve(root, prefix = '/') {
  const server = http.createServer((req, res) => {
    const send = (status, file, headers = {}) => {
      const body = file ? fs.readFileSync(file) : Buffer.alloc(0);
      res.writeHead(status, {
        'content-type': file ? MIME[path.extname(file)] || 'application/octet-stream' : 'text/plain',
        'content-length': body.length,
        'cache-control': 'no-store',
        ...headers,
      });
      res.end(req.method === 'HEAD' ? undefined : body);
    };
    try {
      if (req.method !== 'GET' && req.method !== 'HEAD') return send(405, null);
      let pathname = decodeURIComponent(new URL(req.url, 'http://127.0.0.1').pathname);
      if (!pathname.startsWith(prefix)) return send(404, null);
      pathname = pathname.slice(prefix.length - 1);
      const file = path.join(root, path.normalize(pathname));
      if (file !== root && !file.startsWith(root + path.sep)) return send(403, null);
      let stat = fs.statSync(file, { throwIfNoEntry: false });
      if (stat && stat.isDirectory()) {
        if (!pathname.endsWith('/')) return send(301, null, { location: `${prefix}${pathname.slice(1)}/` });
        const index = path.join(file, 'index.html');
        stat = fs.statSync(index, { throwIfNoEntry: false });
        if (stat && stat.isFile()) return send(200, index);
      } else if (stat && stat.isFile()) {
        return send(200, file);
      }
      const notFound = path.join(root, '404.html');
      return fs.existsSync(notFound) ? send(404, notFound) : send(404, null);
    } catch {
      return send(500, null);
    }
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve(server));
  });
}

function closeServer(server) {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}

// ---------------------------------------------------------------------------------------
// In-page checks (run in the browser)

function overflowInPage() {
  const doc = document.documentElement;
  const width = doc.clientWidth;
  const offenders = [];
  if (doc.scrollWidth > width) {
    for (const el of document.body.querySelectorAll('*')) {
      const r = el.getBoundingClientRect();
      if (r.right > width + 0.5 && r.width > 0) {
        const id = el.id ? `#${el.id}` : '';
        const cls = typeof el.className === 'string' && el.className ? `.${el.className.trim().split(/\s+/).join('.')}` : '';
        offenders.push(`${el.tagName.toLowerCase()}${id}${cls} right=${Math.round(r.right)}`);
        if (offenders.length >= 5) break;
      }
    }
  }
  return { scrollWidth: doc.scrollWidth, clientWidth: width, innerWidth: window.innerWidth, offenders };
}

function textInPage([maxChars, minPx]) {
  const problems = [];
  const bodyPx = parseFloat(getComputedStyle(document.body).fontSize);
  if (bodyPx < minPx) problems.push(`body font-size is ${bodyPx}px`);
  let longest = { n: 0, text: '' };
  const range = document.createRange();
  for (const block of document.querySelectorAll('main p, main li, main dd, main blockquote, main summary, footer p')) {
    const px = parseFloat(getComputedStyle(block).fontSize);
    if (px < minPx && block.matches('main p') && block.textContent.trim()) {
      problems.push(`text of ${px}px: "${block.textContent.trim().slice(0, 60)}"`);
    }
    if (block.closest('table, pre, nav')) continue;
    // Walk the characters in order; a line ends where the next character starts to the
    // left of the previous one (left-to-right text) or lower down.
    let count = 0;
    let text = '';
    let prev = null;
    const walker = document.createTreeWalker(block, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const s = node.textContent;
      for (let i = 0; i < s.length; i++) {
        range.setStart(node, i);
        range.setEnd(node, i + 1);
        const rects = range.getClientRects();
        if (!rects.length) continue;
        const r = rects[0];
        if (r.width === 0 && /\s/.test(s[i])) continue;
        if (prev && (r.left < prev.left - 1 || r.top > prev.bottom - 2)) {
          if (count > longest.n) longest = { n: count, text };
          count = 0;
          text = '';
        }
        count++;
        text += s[i];
        prev = r;
      }
    }
    if (count > longest.n) longest = { n: count, text };
  }
  if (longest.n > maxChars) problems.push(`a line of ${longest.n} characters: "${longest.text.trim()}"`);
  return { problems, longest: longest.n, bodyPx };
}

function skipLinkInPage() {
  const el = document.activeElement;
  if (!el || el.tagName !== 'A') return `the first Tab focuses <${el ? el.tagName.toLowerCase() : 'nothing'}>, not a skip link`;
  const href = el.getAttribute('href') || '';
  if (!href.startsWith('#')) return `the first Tab focuses a link to ${href}, not a skip link`;
  const target = document.getElementById(href.slice(1));
  if (!target || target.tagName !== 'MAIN') return `the skip link points to ${href}, which is not the <main> element`;
  const r = el.getBoundingClientRect();
  if (r.width < 1 || r.height < 1 || r.bottom <= 0 || r.top >= innerHeight || r.left < 0 || r.right > innerWidth) {
    return `the focused skip link is not visible (${Math.round(r.left)},${Math.round(r.top)} ${Math.round(r.width)}x${Math.round(r.height)})`;
  }
  return '';
}

function focusIndicatorInPage() {
  const el = document.activeElement;
  if (!el || el === document.body) return { done: true };
  const visible = (s) =>
    (s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) >= 1) || (s.boxShadow && s.boxShadow !== 'none');
  const ok =
    visible(getComputedStyle(el)) || visible(getComputedStyle(el, '::after')) || visible(getComputedStyle(el, '::before'));
  const label = `${el.tagName.toLowerCase()}${el.getAttribute('href') ? `[href="${el.getAttribute('href')}"]` : ''} "${(el.textContent || '').trim().slice(0, 40)}"`;
  let p = '';
  for (let n = el; n && n !== document.body; n = n.parentElement) p = `${n.tagName}:${[...n.parentElement.children].indexOf(n)}/${p}`;
  return { done: false, ok, label, path: p };
}

function backgroundInPage() {
  return `${getComputedStyle(document.body).backgroundColor} / ${getComputedStyle(document.body).color}`;
}

// ---------------------------------------------------------------------------------------
// Browser checks of one theme's build

/** Runs axe (the AXE_TAGS rules) on the page, or on the elements `selector` names. */
function axeRun(page, selector) {
  return page.evaluate(
    ([sel, tags]) => window.axe.run(sel || document, { runOnly: { type: 'tag', values: tags }, resultTypes: ['violations'] }),
    [selector || null, AXE_TAGS],
  );
}

/** A line per violation: the rule, its help and the first three places. */
function violationLines(violations) {
  return violations.map((v) => `${v.id}: ${v.help} ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join('; ')}`).join('\n');
}

async function checkTheme(context, theme, out, origin, axeSource, net) {
  const { pages, best, missing } = pagesOf(out);
  record(
    `${theme} · the build has every page type`,
    missing.length === 0,
    missing.length ? `no page of type: ${missing.join(', ')}` : '',
  );
  for (const p of pages) {
    const label = `${theme} · ${p.type} (${p.url})`;
    const page = await context.newPage();
    const pageErrors = [];
    page.on('pageerror', (e) => pageErrors.push(`script error: ${e.message}`));
    net.reset(p.type === '404' ? `${origin}${p.url}` : null);
    try {
      await page.setViewportSize({ width: 1280, height: HEIGHT });
      const response = await page.goto(`${origin}${p.url}`, { waitUntil: 'load' });
      const status = response ? response.status() : 0;
      const want = p.type === '404' ? 404 : 200;
      record(`${label}: HTTP status ${want}`, status === want, `status ${status}`);

      // Horizontal scrolling.
      for (const width of OVERFLOW_WIDTHS) {
        await page.setViewportSize({ width, height: HEIGHT });
        const o = await page.evaluate(overflowInPage);
        const ok = o.scrollWidth <= o.clientWidth && o.scrollWidth <= o.innerWidth;
        record(
          `${label}: no horizontal scrolling at ${width}px`,
          ok,
          `scrollWidth ${o.scrollWidth} > ${o.clientWidth}; wider than the viewport: ${o.offenders.join(', ') || '?'}`,
        );
      }

      // Text size and line length (at the widest layout, where lines are longest).
      await page.setViewportSize({ width: 1440, height: HEIGHT });
      const t = await page.evaluate(textInPage, [MAX_LINE_CHARS, MIN_FONT_PX]);
      record(`${label}: body text >= ${MIN_FONT_PX}px, lines <= ${MAX_LINE_CHARS} characters (longest ${t.longest})`, t.problems.length === 0, t.problems.join('\n'));

      // Skip link and focus indicators, on a fresh load so that focus starts at the top.
      await page.setViewportSize({ width: 1280, height: HEIGHT });
      await page.goto(`${origin}${p.url}`, { waitUntil: 'load' });
      await page.keyboard.press('Tab');
      const skip = await page.evaluate(skipLinkInPage);
      record(`${label}: skip link first, visible on focus, leads to <main>`, skip === '', skip);
      const unfocused = [];
      const seen = new Set();
      for (let i = 0; i < 150; i++) {
        const r = await page.evaluate(focusIndicatorInPage);
        if (r.done || seen.has(r.path)) break;
        seen.add(r.path);
        if (!r.ok) unfocused.push(r.label);
        await page.keyboard.press('Tab');
      }
      record(`${label}: visible focus indicator on every Tab stop`, unfocused.length === 0, `no outline or box-shadow on focus: ${unfocused.join('; ')}`);

      // axe-core in both colour schemes, at both widths, with every <details> open.
      await page.evaluate(() => {
        for (const d of document.querySelectorAll('details')) d.open = true;
        document.activeElement?.blur();
      });
      if (!(await page.evaluate(() => typeof window.axe === 'object'))) await page.addScriptTag({ content: axeSource });
      const colours = {};
      for (const scheme of SCHEMES) {
        await page.emulateMedia({ colorScheme: scheme });
        colours[scheme] = await page.evaluate(backgroundInPage);
        for (const width of AXE_WIDTHS) {
          await page.setViewportSize({ width, height: HEIGHT });
          const axe = await axeRun(page);
          for (const inc of axe.incomplete) {
            for (const n of inc.nodes.slice(0, 3)) {
              note(`${theme}: axe could not decide ${inc.id} for ${n.target.join(' ')}${n.any?.[0]?.message ? ` (${n.any[0].message})` : ''}`, p.url, `${scheme} ${width}px`);
            }
          }
          const detail = axe.violations
            .map((v) => `${v.id} (${v.impact}): ${v.help}\n${v.nodes.slice(0, 5).map((n) => `  ${n.target.join(' ')}: ${n.failureSummary.replace(/\s+/g, ' ').slice(0, 300)}`).join('\n')}`)
            .join('\n');
          record(`${label}: axe, ${scheme} scheme, ${width}px: no violations`, axe.violations.length === 0, detail);
        }
      }
      record(`${label}: the dark scheme changes the colours`, colours.light !== colours.dark, `light ${colours.light}, dark ${colours.dark}`);
      // Requests seen while the page was loaded, resized, tabbed through and audited.
      const loadProblems = [...net.problems(), ...pageErrors];
      record(`${label}: no external or failed requests, no script errors`, loadProblems.length === 0, [...new Set(loadProblems)].join('\n'));
    } catch (e) {
      record(`${label}: browser checks ran`, false, e.stack || String(e));
    } finally {
      await page.close().catch(() => {});
    }
  }
  return best;
}

async function screenshots(context, theme, origin, best) {
  const article = best.get('article');
  const technique = best.get('technique');
  const shots = [
    { name: 'home', url: '/' },
    article && { name: 'article-top', url: article.url },
    article && { name: 'article-faq', url: article.url, faq: true },
    technique && { name: 'technique', url: technique.url },
  ].filter(Boolean);
  const page = await context.newPage();
  let count = 0;
  try {
    for (const scheme of SCHEMES) {
      await page.emulateMedia({ colorScheme: scheme, reducedMotion: 'reduce' });
      for (const width of [375, 1280]) {
        await page.setViewportSize({ width, height: width < 600 ? 812 : HEIGHT });
        for (const s of shots) {
          await page.goto(`${origin}${s.url}`, { waitUntil: 'load' });
          if (s.faq) {
            const found = await page.evaluate(() => {
              const first = document.querySelector('main details');
              if (!first) return false;
              first.open = true;
              const section = first.closest('section') || first;
              const heading = section.querySelector('h2') || first;
              heading.scrollIntoView({ block: 'start', behavior: 'instant' });
              return true;
            });
            if (!found) continue;
          }
          await page.screenshot({ path: path.join(SCREENSHOTS_DIR, `${theme}-${s.name}-${width}-${scheme}.png`) });
          count++;
        }
      }
    }
    record(`${theme} · screenshots (${count}) written to ${SCREENSHOTS_DIR}`, count > 0, 'no screenshot was written');
  } catch (e) {
    record(`${theme} · screenshots`, false, e.stack || String(e));
  } finally {
    await page.close().catch(() => {});
  }
}

// ---------------------------------------------------------------------------------------
// Callouts

// By the page's language, as src/markdown/callouts.rs writes them.
const CALLOUT_TITLES_BY_LANG = {
  en: { note: 'Note', tip: 'Tip', important: 'Important', warning: 'Warning', caution: 'Caution' },
  es: { note: 'Nota', tip: 'Consejo', important: 'Importante', warning: 'Advertencia', caution: 'Precaución' },
};

/** The callouts of the page as drawn: their kind, title and the colours that make them. */
function calloutsInPage() {
  const rgb = (c) => (c.match(/[\d.]+/g) || []).slice(0, 3).map(Number);
  const page = getComputedStyle(document.body).backgroundColor;
  return [...document.querySelectorAll('main aside.callout')].map((el) => {
    const s = getComputedStyle(el);
    const title = el.querySelector(':scope > .callout-title');
    const t = title && getComputedStyle(title);
    const r = title && title.getBoundingClientRect();
    return {
      kind: ([...el.classList].find((c) => c !== 'callout' && c.startsWith('callout-')) || '').slice(8),
      lang: (el.closest('[lang]')?.getAttribute('lang') || 'en').split('-')[0],
      role: el.getAttribute('role'),
      title: title ? title.textContent.trim() : '',
      titleShown: !!r && r.width > 0 && r.height > 0 && t.visibility !== 'hidden' && t.display !== 'none',
      titleWeight: t ? Number(t.fontWeight) : 0,
      border: rgb(s.borderLeftColor),
      borderWidth: parseFloat(s.borderLeftWidth),
      tinted: s.backgroundColor !== page && s.backgroundColor !== 'rgba(0, 0, 0, 0)',
    };
  });
}

/** Every page of the build with a callout: in both schemes, each callout is a box whose
 * bold title names its kind (so its meaning is not in its colour alone), warnings and
 * cautions are tinted with a warm border, and axe finds nothing on the page. */
async function calloutChecks(context, theme, out, origin, axeSource) {
  const pages = htmlFiles(out).filter((rel) => fs.readFileSync(path.join(out, rel), 'utf8').includes('<aside class="callout '));
  const kinds = new Set();
  for (const rel of pages) {
    const url = `/${rel.replace(/index\.html$/, '')}`;
    const label = `${theme} · callouts (${url})`;
    const page = await context.newPage();
    try {
      await page.goto(`${origin}${url}`, { waitUntil: 'load' });
      await page.evaluate(() => {
        for (const d of document.querySelectorAll('details')) d.open = true;
      });
      await page.addScriptTag({ content: axeSource });
      for (const scheme of SCHEMES) {
        await page.emulateMedia({ colorScheme: scheme });
        const found = await page.evaluate(calloutsInPage);
        const problems = [];
        for (const c of found) {
          kinds.add(c.kind);
          const name = `the ${c.kind || '?'} callout`;
          if (c.role !== 'note') problems.push(`${name} has role=${c.role}, not note`);
          const want = (CALLOUT_TITLES_BY_LANG[c.lang] || CALLOUT_TITLES_BY_LANG.en)[c.kind];
          if (c.title !== want) problems.push(`${name} is titled "${c.title}", not "${want}"`);
          if (!c.titleShown || c.titleWeight < 600) problems.push(`${name}'s title is not shown in bold (weight ${c.titleWeight})`);
          if (c.borderWidth < 2) problems.push(`${name} has no border to box it (${c.borderWidth}px)`);
          if (['warning', 'caution'].includes(c.kind)) {
            const [r, , b] = c.border;
            if (!c.tinted) problems.push(`${name} has the page's background`);
            if (!(r > b + 40)) problems.push(`${name}'s border rgb(${c.border.join(', ')}) is not a warm warning colour`);
          }
        }
        record(`${label}: ${found.length} drawn as their kind, ${scheme} scheme`, found.length > 0 && problems.length === 0, problems.join('\n') || 'no callout on the page');
        const axe = await axeRun(page);
        const detail = violationLines(axe.violations);
        record(`${label}: axe, ${scheme} scheme: no violations`, axe.violations.length === 0, detail);
      }
    } catch (e) {
      record(`${label}: browser checks ran`, false, e.stack || String(e));
    } finally {
      await page.close().catch(() => {});
    }
  }
  const warm = ['warning', 'caution'].filter((k) => kinds.has(k));
  record(`${theme} · the site shows a warning or caution callout`, warm.length > 0, `callout kinds seen: ${[...kinds].join(', ') || 'none'}`);
}

// ---------------------------------------------------------------------------------------
// Images: sized (no layout shift while they load) and the right candidate of srcset

/** Every image's place before and after loading, and which file the browser chose. */
function imagesInPage() {
  const rem = parseFloat(getComputedStyle(document.documentElement).fontSize) || 16;
  return [...document.querySelectorAll('img')].map((img) => {
    const widths = (img.getAttribute('srcset') || '').split(',').map((c) => parseInt(c.trim().split(/\s+/)[1], 10)).filter((n) => n > 0);
    // The slot `sizes` gives: the viewport up to 36rem, then 36rem.
    const slot = window.innerWidth <= 36 * rem ? window.innerWidth : 36 * rem;
    const need = slot * window.devicePixelRatio;
    const sorted = widths.sort((a, b) => a - b);
    const expected = sorted.find((w) => w >= need) || sorted[sorted.length - 1];
    return {
      src: img.currentSrc,
      sized: img.hasAttribute('width') && img.hasAttribute('height'),
      lazy: img.loading,
      complete: img.complete && img.naturalWidth > 0,
      expected: expected || 0,
    };
  });
}

/** On each page that shows images: every image has its size, loading them all moves
 * nothing (the sum of layout-shift entries is 0), and at 375 and 1280 px the browser
 * picks the candidate `sizes` asks for (`currentSrc`). */
async function imageChecks(context, theme, out, origin) {
  const pages = htmlFiles(out).filter((rel) => /<img [^>]*width=/.test(fs.readFileSync(path.join(out, rel), 'utf8')));
  record(`${theme} · the site shows sized images`, pages.length >= 2, pages.join(', ') || 'no page shows a sized image');
  for (const rel of all ? pages : pages.slice(0, 3)) {
    const url = `/${rel.replace(/index\.html$/, '')}`;
    for (const width of [375, 1280]) {
      const label = `${theme} · images (${url}, ${width} px)`;
      const page = await context.newPage();
      try {
        await page.setViewportSize({ width, height: HEIGHT });
        await page.goto(`${origin}${url}`, { waitUntil: 'load' });
        // Bring each lazy image into view and wait for it.
        await page.evaluate(async () => {
          for (const img of document.querySelectorAll('img')) {
            img.scrollIntoView();
            await img.decode().catch(() => {});
          }
          window.scrollTo(0, 0);
        });
        const shifts = await layoutShifts(page);
        record(`${label}: no layout shift while images load`, shifts.sum === 0, shifts.shifts.join('\n'));
        const found = await page.evaluate(imagesInPage);
        const problems = [];
        for (const f of found) {
          if (!f.sized) problems.push(`${f.src}: no width and height`);
          if (!f.complete) problems.push(`${f.src}: did not load`);
          if (f.expected && !new RegExp(`-${f.expected}\\.(webp|png|jpg)$`).test(f.src)) problems.push(`${f.src}: not the ${f.expected} px candidate`);
        }
        record(`${label}: ${found.length} sized, loaded, the right candidate`, problems.length === 0, problems.join('\n'));
      } catch (e) {
        record(`${label}: browser checks ran`, false, e.stack || String(e));
      } finally {
        await page.close().catch(() => {});
      }
    }
  }
}

// ---------------------------------------------------------------------------------------
// Evidence: grades in words, citations and their links back

const GRADE_WORDS = {
  high: 'High certainty',
  moderate: 'Moderate certainty',
  low: 'Low certainty',
  'very-low': 'Very low certainty',
  insufficient: 'Not enough evidence',
};

/** Every `[data-evidence]` in <main>: its grade, its text, and whether it is seen. */
function gradesInPage() {
  return [...document.querySelectorAll('main [data-evidence]')].map((el) => {
    const r = el.getBoundingClientRect();
    return { grade: el.dataset.evidence, text: el.textContent.replace(/\s+/g, ' ').trim(), visible: r.width > 0 && r.height > 0 };
  });
}

/** The citations of <main>, each with its source entry, and the links back of each entry. */
function citationsInPage() {
  const cites = [...document.querySelectorAll('main sup.citation a')].map((a) => {
    const id = decodeURIComponent(a.getAttribute('href').replace(/^[^#]*#/, ''));
    const target = document.getElementById(id);
    return { href: a.getAttribute('href'), text: a.textContent, target: target ? target.tagName : null, number: target ? [...target.parentElement.children].indexOf(target) + 1 : 0 };
  });
  const backs = [...document.querySelectorAll('main a.backlink')].map((a) => {
    const target = document.getElementById(a.getAttribute('href').slice(1));
    const cites = target ? target.querySelector('sup.citation a') : null;
    return { href: a.getAttribute('href'), name: a.getAttribute('aria-label') || a.textContent, lands: !!target, cites: !!cites || (target && target.tagName === 'DETAILS') };
  });
  return { cites, backs };
}

async function evidenceChecks(context, theme, origin, best) {
  const page = await context.newPage();
  try {
    const grades = async (url) => {
      await page.goto(`${origin}${url}`, { waitUntil: 'load' });
      return page.evaluate(gradesInPage);
    };
    const wordsOk = (list) => list.length > 0 && list.every((g) => g.visible && g.text.includes(GRADE_WORDS[g.grade]));
    const list = await grades('/benefits/');
    const order = Object.keys(GRADE_WORDS);
    const sorted = list.every((g, i) => i === 0 || order.indexOf(list[i - 1].grade) <= order.indexOf(g.grade));
    record(`${theme} · /benefits/ shows each grade in words, strongest first (${list.length})`, wordsOk(list) && sorted, JSON.stringify(list));
    for (const type of ['benefit', 'article']) {
      const p = best.get(type);
      if (!p) continue;
      const found = await grades(p.url);
      record(`${theme} · ${type} (${p.url}) shows grades in words (${found.length})`, wordsOk(found), JSON.stringify(found));
    }
    const article = best.get('article');
    if (article) {
      await page.goto(`${origin}${article.url}`, { waitUntil: 'load' });
      const { cites, backs } = await page.evaluate(citationsInPage);
      const citeProblems = cites.filter((c) => c.target !== 'LI' || c.text !== `[${c.number}]`);
      record(`${theme} · ${article.url}: ${cites.length} citations, each [n] leading to source n`, cites.length > 0 && citeProblems.length === 0, JSON.stringify(citeProblems.slice(0, 5)));
      const backProblems = backs.filter((b) => !b.lands || !b.cites || !b.name);
      record(`${theme} · ${article.url}: ${backs.length} links back, each to a citation`, backs.length > 0 && backProblems.length === 0, JSON.stringify(backProblems.slice(0, 5)));
      // Following a citation and its link back, as a reader would.
      if (cites.length > 0 && backs.length > 0) {
        await page.click(`main sup.citation a[href="${cites[0].href}"] >> nth=0`);
        const atSource = await page.evaluate(() => location.hash);
        const back = await page.evaluate((hash) => document.getElementById(hash.slice(1))?.querySelector('a.backlink')?.getAttribute('href'), atSource);
        if (back) await page.click(`main a.backlink[href="${back}"]`);
        const atCite = await page.evaluate(() => location.hash);
        record(`${theme} · following citation ${cites[0].href} and its link back`, atSource === cites[0].href && atCite === back, `${atSource} then ${atCite} (${back})`);
      }
    }
  } catch (e) {
    record(`${theme} · evidence checks ran`, false, e.stack || String(e));
  } finally {
    await page.close().catch(() => {});
  }
}

// ---------------------------------------------------------------------------------------
// Static checks of a theme

function themeAssets(theme, out) {
  const dir = path.join(REPO, 'themes', theme, 'static');
  let bytes = 0;
  const files = [];
  const external = [];
  const walk = (d) => {
    if (!fs.existsSync(d)) return;
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (/\.(css|js|mjs)$/.test(e.name)) {
        // As browsers get it: knead publishes stylesheets without comments and indentation.
        const published = out && path.join(out, path.relative(dir, p));
        const text = fs.readFileSync(published && fs.existsSync(published) ? published : p, 'utf8');
        bytes += Buffer.byteLength(text);
        files.push(path.relative(dir, p));
        for (const m of text.matchAll(/(@import|url\(\s*['"]?(https?:)?\/\/|fetch\(|XMLHttpRequest)/g)) external.push(`${path.relative(dir, p)}: ${m[0]}`);
      }
    }
  };
  walk(dir);
  // The search script is knead's own (written to /search/search.js), but every page of
  // the theme's search needs it: it counts against the theme's budget, as browsers get
  // it (knead writes it without the source's comments and indentation).
  // Each language gets its own copy (with its own stemmer): the largest counts.
  const copies = out && fs.existsSync(out)
    ? [path.join(out, 'search', 'search.js'), ...fs.readdirSync(out).map((d) => path.join(out, d, 'search', 'search.js'))].filter((f) => fs.existsSync(f))
    : [];
  const built = copies.sort((a, b) => fs.statSync(b).size - fs.statSync(a).size)[0];
  const script = fs.readFileSync(built || path.join(REPO, 'src', 'search', 'search.js'), 'utf8');
  bytes += Buffer.byteLength(script);
  files.push('search/search.js');
  // It may fetch, but only its own files: no absolute URLs.
  for (const m of script.matchAll(/(https?:|['"`]\/\/|XMLHttpRequest|import\()/g)) external.push(`search/search.js: ${m[0]}`);
  record(
    `${theme} · CSS+JS ${bytes} bytes (${files.join(', ') || 'none'}) <= ${MAX_ASSET_BYTES}`,
    bytes <= MAX_ASSET_BYTES,
    `${bytes} bytes is over the budget of ${MAX_ASSET_BYTES}`,
  );
  record(`${theme} · CSS+JS load nothing from elsewhere`, external.length === 0, external.join('\n'));
}

// ---------------------------------------------------------------------------------------
// Languages: the two-language fixture in each theme, and the same site right to left

/** The fixture `tests/fixtures/bilingual` with the repository's themes, using `theme`;
 * with `rtl`, its Spanish turned into Arabic (`ar`, words copied from `es`). Built into
 * `<tmp>/<name>/public`. */
function buildBilingual(theme, tmp, rtl = false) {
  const name = `${theme}-${rtl ? 'rtl' : 'bilingual'}`;
  const root = path.join(tmp, name, 'site');
  fs.cpSync(path.join(REPO, 'tests', 'fixtures', 'bilingual'), root, { recursive: true });
  fs.cpSync(path.join(REPO, 'themes'), path.join(root, 'themes'), { recursive: true });
  let yaml = fs.readFileSync(path.join(root, 'site.yaml'), 'utf8');
  yaml = `${yaml.trimEnd()}\ntheme: ${theme}\n`;
  if (rtl) {
    yaml = yaml.replace('\n  es:\n', '\n  ar:\n');
    const words = fs.readFileSync(path.join(root, 'themes', theme, 'i18n', 'es.yaml'), 'utf8');
    fs.writeFileSync(path.join(root, 'themes', theme, 'i18n', 'ar.yaml'), words.replace('language_name: Español', 'language_name: العربية'));
    for (const f of ['index', 'articles/massage-basics', 'techniques/swedish']) {
      fs.renameSync(path.join(root, 'content', `${f}.es.md`), path.join(root, 'content', `${f}.ar.md`));
    }
  }
  fs.writeFileSync(path.join(root, 'site.yaml'), yaml);
  const out = path.join(tmp, name, 'public');
  const [cmd, pre] = kneadCommand();
  const r = run(cmd, [...pre, 'build', '--root', root, '--output', out], { cwd: REPO });
  const ok = r.status === 0 && fs.existsSync(path.join(out, 'index.html'));
  record(`${theme} · knead build of the ${rtl ? 'right-to-left' : 'two-language'} site`, ok, ok ? '' : r.out.trim());
  return ok ? out : null;
}

const SPANISH_PAGES = ['/es/', '/es/articles/', '/es/articles/masaje-basico/', '/es/techniques/', '/es/techniques/swedish/', '/es/faq/', '/es/search/'];

/** Spanish pages: axe in both schemes and widths, no horizontal scrolling, the
 * language's words; search for "masajes" finds Spanish pages only. */
async function spanishChecks(context, theme, origin, axeSource, net) {
  for (const url of SPANISH_PAGES) {
    const label = `${theme} · Spanish ${url}`;
    const page = await context.newPage();
    net.reset(null);
    try {
      await page.goto(`${origin}${url}`, { waitUntil: 'load' });
      const lang = await page.evaluate(() => document.documentElement.lang);
      const skip = await page.evaluate(() => document.querySelector('a[href="#main"]')?.textContent.trim());
      record(`${label}: lang="es" and Spanish theme words`, lang === 'es' && skip === 'Saltar al contenido principal', `lang ${lang}, skip link "${skip}"`);
      for (const width of OVERFLOW_WIDTHS) {
        await page.setViewportSize({ width, height: HEIGHT });
        const o = await page.evaluate(overflowInPage);
        record(`${label}: no horizontal scrolling at ${width}px`, o.scrollWidth <= o.clientWidth, o.offenders.join(', '));
      }
      await page.addScriptTag({ content: axeSource });
      for (const scheme of SCHEMES) {
        await page.emulateMedia({ colorScheme: scheme });
        for (const width of AXE_WIDTHS) {
          await page.setViewportSize({ width, height: HEIGHT });
          const axe = await axeRun(page);
          const detail = violationLines(axe.violations);
          record(`${label}: axe, ${scheme} scheme, ${width}px: no violations`, axe.violations.length === 0, detail);
        }
      }
      record(`${label}: no external or failed requests`, net.problems().length === 0, net.problems().join('\n'));
    } catch (e) {
      record(`${label}: browser checks ran`, false, e.stack || String(e));
    } finally {
      await page.close().catch(() => {});
    }
  }
  const page = await context.newPage();
  try {
    await page.goto(`${origin}/es/search/?q=masajes`, { waitUntil: 'load' });
    const r = await searchAnswered(page);
    const hrefs = r.results.map((x) => x.href);
    record(
      `${theme} · Spanish search: "masajes" finds Spanish pages only`,
      hrefs.length > 0 && hrefs.includes('/es/articles/masaje-basico/') && hrefs.every((h) => h.startsWith('/es/')),
      JSON.stringify(r).slice(0, 500),
    );
    record(
      `${theme} · Spanish search: the count is announced in Spanish`,
      /^\d+ resultados? para “masajes”/.test(r.status),
      r.status,
    );
  } catch (e) {
    record(`${theme} · Spanish search ran`, false, e.stack || String(e));
  } finally {
    await page.close().catch(() => {});
  }
}

/** The right-to-left site: dir="rtl", the header mirrored (the site's name on the right),
 * and no horizontal scrolling. */
async function rtlChecks(context, theme, origin) {
  const page = await context.newPage();
  try {
    for (const url of ['/ar/', '/ar/articles/masaje-basico/']) {
      await page.goto(`${origin}${url}`, { waitUntil: 'load' });
      for (const width of OVERFLOW_WIDTHS) {
        await page.setViewportSize({ width, height: HEIGHT });
        const o = await page.evaluate(overflowInPage);
        record(`${theme} · right to left ${url}: no horizontal scrolling at ${width}px`, o.scrollWidth <= o.clientWidth, o.offenders.join(', '));
      }
      await page.setViewportSize({ width: 1280, height: HEIGHT });
      const m = await page.evaluate(() => {
        const title = document.querySelector('header a[href="/ar/"]');
        const r = title?.getBoundingClientRect();
        return { dir: document.documentElement.dir, direction: getComputedStyle(document.body).direction, right: r ? r.right : 0, left: r ? r.left : 0, width: document.documentElement.clientWidth };
      });
      record(
        `${theme} · right to left ${url}: dir="rtl", mirrored (the site's name on the right)`,
        m.dir === 'rtl' && m.direction === 'rtl' && m.left > m.width / 2,
        JSON.stringify(m),
      );
    }
  } catch (e) {
    record(`${theme} · right-to-left checks ran`, false, e.stack || String(e));
  } finally {
    await page.close().catch(() => {});
  }
}

// ---------------------------------------------------------------------------------------
// Site search

/** Waits until the search page has answered (results or a message). */
async function searchAnswered(page) {
  await page.waitForFunction(() => {
    const s = document.getElementById('search-status');
    return s && s.textContent.trim() !== '';
  });
  return page.evaluate(() => ({
    status: document.getElementById('search-status').textContent.trim(),
    results: [...document.querySelectorAll('#search-results > li')].map((li) => ({
      title: li.querySelector('h2')?.textContent.trim(),
      href: li.querySelector('a')?.getAttribute('href'),
      marks: li.querySelectorAll('mark').length,
    })),
  }));
}

/** Every layout shift of the page so far (buffered, so from navigation on), as the sum
 * of their values and a description of each; hadRecentInput ones count too. */
async function layoutShifts(page) {
  return page.evaluate(
    () =>
      new Promise((resolve) => {
        const entries = [];
        const po = new PerformanceObserver((l) => entries.push(...l.getEntries()));
        po.observe({ type: 'layout-shift', buffered: true });
        // Two frames, so that the last drawn one has been reported.
        requestAnimationFrame(() =>
          requestAnimationFrame(() =>
            setTimeout(() => {
              entries.push(...po.takeRecords());
              po.disconnect();
              const name = (n) => (n ? `${n.nodeName.toLowerCase()}${n.id ? `#${n.id}` : ''}${n.className ? `.${String(n.className).split(' ')[0]}` : ''}` : '?');
              resolve({
                sum: entries.reduce((a, e) => a + e.value, 0),
                shifts: entries.map((e) => `${e.value.toFixed(4)} at ${Math.round(e.startTime)} ms${e.hadRecentInput ? ' (after input)' : ''}: ${e.sources.map((x) => name(x.node)).join(', ')}`),
              });
            }, 50),
          ),
        );
      }),
  );
}

/** Nothing on the search page moves: while it loads and draws the results of `?q=`, and
 * when "Show more results" adds the next ones (the observer starts before the click). */
async function searchStillness(context, label, origin, base) {
  for (const [width, height] of [[1280, HEIGHT], [375, 812]]) {
    const page = await context.newPage();
    try {
      await page.setViewportSize({ width, height });
      // The second one's count takes two lines at 375 px.
      for (const q of ['sciatica', 'sciatica massage for lower back pain and stiff neck']) {
        await page.goto(`${origin}${base}search/?q=${encodeURIComponent(q)}`, { waitUntil: 'load' });
        await searchAnswered(page);
        const load = await layoutShifts(page);
        record(`${label}: no layout shift while "${q}" loads and draws, ${width}px`, load.sum === 0, load.shifts.join('\n'));
      }

      // A query with more than one page of results (10 a page).
      await page.goto(`${origin}${base}search/?q=massage`, { waitUntil: 'load' });
      await searchAnswered(page);
      await page.evaluate(() => {
        window.__shifts = [];
        new PerformanceObserver((l) => window.__shifts.push(...l.getEntries().map((e) => `${e.value.toFixed(4)}${e.hadRecentInput ? ' (after input)' : ''}`))).observe({ type: 'layout-shift' });
      });
      const before = await page.locator('#search-results > li').count();
      const hasMore = (await page.locator('.search-more').count()) === 1;
      if (hasMore) await page.click('.search-more');
      const moved = await page
        .waitForFunction((n) => {
          const a = document.activeElement;
          return document.querySelectorAll('#search-results > li').length > n && a?.tagName === 'A' && a.closest('#search-results > li') === document.querySelectorAll('#search-results > li')[n];
        }, before, { timeout: 5000 })
        .then(() => true, () => false);
      const more = await layoutShifts(page);
      const after = await page.evaluate(() => window.__shifts);
      record(
        `${label}: "Show more results" adds results, moves the focus to the first new one, no layout shift, ${width}px`,
        hasMore && moved && more.sum === 0 && after.length === 0,
        JSON.stringify({ before, hasMore, focusMoved: moved, shiftsAfterClick: after, all: more.shifts }),
      );
    } catch (e) {
      record(`${label}: layout shift checks ran, ${width}px`, false, e.stack || String(e));
    } finally {
      await page.close().catch(() => {});
    }
  }
}

/** The pagination nav of the page: its links, which is current, and its `rel`s. */
function paginationInPage() {
  const nav = document.querySelector('nav[aria-label="Pagination"]');
  if (!nav) return null;
  const links = [...nav.querySelectorAll('a')].map((a) => ({
    href: a.getAttribute('href'),
    rel: a.getAttribute('rel'),
    current: a.getAttribute('aria-current'),
    text: a.textContent.trim(),
  }));
  const head = (rel) => document.querySelector(`head link[rel="${rel}"]`)?.getAttribute('href') || null;
  return { links, prev: head('prev'), next: head('next') };
}

/** The pagination of the article list, under `base`: the middle page's nav, every link of
 * it answering, the keyboard way to the next page, axe on the nav, and the page/1/
 * redirect. */
async function paginationChecks(context, theme, origin, base, axeSource, net) {
  const label = `${theme} · pagination${base !== '/' ? ` under ${base}` : ''}`;
  const page = await context.newPage();
  net.reset(null);
  try {
    await page.setViewportSize({ width: 1280, height: HEIGHT });
    const list = `${base}articles/`;
    await page.goto(`${origin}${list}page/2/`, { waitUntil: 'load' });
    const p = await page.evaluate(paginationInPage);
    const links = p ? p.links : [];
    const current = links.filter((l) => l.current === 'page');
    record(
      `${label}: page 2 has a Pagination nav, rel prev/next, page 2 marked current`,
      !!p &&
        current.length === 1 &&
        current[0].href === `${list}page/2/` &&
        links.some((l) => l.rel === 'prev' && l.href === list) &&
        links.some((l) => l.rel === 'next' && l.href === `${list}page/3/`) &&
        p.prev === list &&
        p.next === `${list}page/3/`,
      JSON.stringify(p),
    );
    const broken = [];
    for (const l of links) {
      const r = await page.request.get(`${origin}${l.href}`);
      if (r.status() !== 200 || !l.href.startsWith(base)) broken.push(`${l.href}: ${r.status()}`);
    }
    record(`${label}: every link of the nav answers under ${base}`, links.length > 0 && broken.length === 0, broken.join('\n'));

    // The keyboard: Tab from the top reaches "Next", Enter follows it.
    await page.goto(`${origin}${list}page/2/`, { waitUntil: 'load' });
    let reached = false;
    for (let i = 0; i < 150 && !reached; i++) {
      await page.keyboard.press('Tab');
      reached = await page.evaluate(() => document.activeElement?.getAttribute('rel') === 'next');
    }
    if (reached) await Promise.all([page.waitForURL(`${origin}${list}page/3/`), page.keyboard.press('Enter')]);
    const after = reached ? await page.evaluate(paginationInPage) : null;
    record(
      `${label}: Tab reaches "Next", Enter opens page 3, marked current`,
      reached && !!after && after.links.some((l) => l.current === 'page' && l.href === `${list}page/3/`) && after.prev === `${list}page/2/`,
      reached ? JSON.stringify(after) : 'Tab never focused the rel="next" link',
    );

    if (!(await page.evaluate(() => typeof window.axe === 'object'))) await page.addScriptTag({ content: axeSource });
    for (const scheme of SCHEMES) {
      await page.emulateMedia({ colorScheme: scheme });
      const axe = await axeRun(page, 'nav[aria-label="Pagination"]');
      record(
        `${label}: axe on the nav, ${scheme} scheme: no violations`,
        axe.violations.length === 0,
        axe.violations.map((v) => `${v.id}: ${v.help}`).join('\n'),
      );
    }

    // page/1/ sends readers and search engines to the list itself.
    const r = await page.request.get(`${origin}${list}page/1/`);
    const html = await r.text();
    const target = `https://example.org${list}`;
    record(
      `${label}: page/1/ redirects to the list (refresh, canonical, noindex, a link)`,
      r.status() === 200 &&
        html.includes(`<meta http-equiv="refresh" content="0; url=${target}">`) &&
        html.includes(`<link rel="canonical" href="${target}">`) &&
        html.includes('<meta name="robots" content="noindex">') &&
        html.includes(`<a href="${target}">`),
      html.slice(0, 600),
    );
    record(`${label}: no failed or external request`, net.problems().length === 0, net.problems().join('\n'));
  } catch (e) {
    record(`${label}: ran`, false, e.stack || String(e));
  } finally {
    await page.close();
  }
}

async function searchChecks(context, theme, origin, base, axeSource, net) {
  const label = `${theme} · search${base !== '/' ? ` under ${base}` : ''}`;
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(`script error: ${e.message}`));
  net.reset(null);
  try {
    // From an article, with the header search box: type, press Enter.
    await page.setViewportSize({ width: 1280, height: HEIGHT });
    await page.goto(`${origin}${base}articles/`, { waitUntil: 'load' });
    await page.fill('#site-search', 'sciatica');
    await Promise.all([page.waitForURL(/\/search\/\?q=sciatica/), page.press('#site-search', 'Enter')]);
    const r = await searchAnswered(page);
    const first = r.results[0];
    record(
      `${label}: "sciatica" from the header box lists the sciatica article first`,
      !!first && first.href === `${base}articles/sciatica-and-herniated-discs/` && /sciatica/i.test(first.title),
      JSON.stringify(r).slice(0, 500),
    );
    record(
      `${label}: the count is announced and matches are highlighted`,
      /^\d+ results? for “sciatica”/.test(r.status) && r.results.length > 0 && r.results[0].marks > 0,
      JSON.stringify(r).slice(0, 500),
    );
    const live = await page.evaluate(() => document.getElementById('search-status').getAttribute('role'));
    record(`${label}: the count is in a live region`, live === 'status', `role=${live}`);
    // The first result leads to the article.
    const response = await Promise.all([page.waitForEvent('load'), page.click('#search-results a')]).then(() => page.url());
    record(`${label}: the first result opens the article`, response === `${origin}${base}articles/sciatica-and-herniated-discs/`, response);

    // No matches.
    await page.goto(`${origin}${base}search/?q=zzqxv+wombat`, { waitUntil: 'load' });
    const none = await searchAnswered(page);
    record(`${label}: a query without matches says so`, /^No results for “zzqxv wombat”/.test(none.status) && none.results.length === 0, JSON.stringify(none));

    if (base === '/') {
      // Keyboard only: Tab to the search box, type, Enter, Tab to the first result.
      await page.goto(`${origin}${base}search/`, { waitUntil: 'load' });
      let reached = false;
      for (let i = 0; i < 40 && !reached; i++) {
        await page.keyboard.press('Tab');
        reached = await page.evaluate(() => document.activeElement?.id === 'search-input');
      }
      await page.keyboard.type('massages for lower back pain');
      await page.keyboard.press('Enter');
      const k = await searchAnswered(page);
      await page.keyboard.press('Tab'); // the Search button
      await page.keyboard.press('Tab'); // the first result
      const focused = await page.evaluate(() => document.activeElement?.closest('#search-results') !== null && document.activeElement.tagName === 'A');
      record(`${label}: keyboard only: Tab to the box, type, Enter, Tab to the first result`, reached && k.results.length > 0 && focused, JSON.stringify({ reached, focused, status: k.status }));
      // Prefix and stem: a half-typed word finds the same article.
      await page.goto(`${origin}${base}search/?q=sciat`, { waitUntil: 'load' });
      const prefix = await searchAnswered(page);
      record(`${label}: "sciat" (still typing) finds the sciatica article first`, prefix.results[0]?.href === `${base}articles/sciatica-and-herniated-discs/`, JSON.stringify(prefix).slice(0, 300));

      await searchStillness(context, label, origin, base);

      // axe with results shown, both schemes, both widths.
      await page.goto(`${origin}${base}search/?q=sciatica`, { waitUntil: 'load' });
      await searchAnswered(page);
      await page.addScriptTag({ content: axeSource });
      for (const scheme of SCHEMES) {
        await page.emulateMedia({ colorScheme: scheme });
        for (const width of AXE_WIDTHS) {
          await page.setViewportSize({ width, height: HEIGHT });
          const axe = await axeRun(page);
          const detail = violationLines(axe.violations);
          record(`${label}: results page, axe, ${scheme} scheme, ${width}px: no violations`, axe.violations.length === 0, detail);
          const o = await page.evaluate(overflowInPage);
          record(`${label}: results page, no horizontal scrolling at ${width}px`, o.scrollWidth <= o.clientWidth, o.offenders.join(', '));
        }
      }
      await page.emulateMedia({ colorScheme: 'light' });
      if (SCREENSHOTS_DIR) {
        for (const scheme of SCHEMES) {
          await page.emulateMedia({ colorScheme: scheme, reducedMotion: 'reduce' });
          for (const width of [375, 1280]) {
            await page.setViewportSize({ width, height: width < 600 ? 812 : HEIGHT });
            await page.goto(`${origin}${base}search/?q=sciatica+massage`, { waitUntil: 'load' });
            await searchAnswered(page);
            await page.screenshot({ path: path.join(SCREENSHOTS_DIR, `${theme}-search-${width}-${scheme}.png`) });
          }
        }
        await page.emulateMedia({ colorScheme: 'light' });
      }

      // Without JavaScript the page says so.
      const cdp = await context.newCDPSession(page);
      await cdp.send('Emulation.setScriptExecutionDisabled', { value: true });
      await page.goto(`${origin}${base}search/?q=sciatica`, { waitUntil: 'load' });
      const noscript = await page.evaluate(() => document.querySelector('main').innerText);
      await cdp.send('Emulation.setScriptExecutionDisabled', { value: false });
      await cdp.detach();
      record(`${label}: without JavaScript the page says search needs it`, /search needs JavaScript/i.test(noscript), noscript.slice(0, 300));
    }
    const problems = [...net.problems(), ...errors];
    record(`${label}: no external or failed requests, no script errors`, problems.length === 0, [...new Set(problems)].join('\n'));
  } catch (e) {
    record(`${label}: checks ran`, false, e.stack || String(e));
  } finally {
    await page.close().catch(() => {});
  }
}

function javaAvailable() {
  const r = run('java', ['-version'], { timeout: 60 * 1000 });
  return r.status === 0;
}

function vnu(theme, out) {
  const jar = require('vnu-jar');
  const files = htmlFiles(out).map((rel) => path.join(out, rel));
  const r = run('java', ['-Xss8m', '-jar', jar, '--errors-only', '--format', 'json', ...files], { timeout: 5 * 60 * 1000 });
  let messages;
  try {
    const text = r.out.slice(r.out.indexOf('{'));
    messages = JSON.parse(text).messages;
  } catch {
    record(`${theme} · Nu Html Checker ran`, false, `java -jar vnu.jar exited ${r.status}${r.error ? ` (${r.error.message})` : ''}\n${r.out.slice(0, 2000)}`);
    return;
  }
  const byFile = new Map(files.map((f) => [f, []]));
  const other = [];
  for (const m of messages) {
    if (m.type !== 'error' && m.type !== 'non-document-error' && m.subType !== 'fatal') continue;
    const file = m.url ? fileURLToPath(m.url) : '';
    const line = `${m.lastLine ? `line ${m.lastLine}: ` : ''}${m.message}${m.extract ? `\n  ${m.extract.replace(/\s+/g, ' ').trim()}` : ''}`;
    if (byFile.has(file)) byFile.get(file).push(line);
    else other.push(`${file}: ${line}`);
  }
  for (const [file, errs] of byFile) {
    record(`${theme} · Nu Html Checker: ${path.relative(out, file)}`, errs.length === 0, errs.join('\n'));
  }
  if (other.length) record(`${theme} · Nu Html Checker: other errors`, false, other.join('\n'));
}

// ---------------------------------------------------------------------------------------
// Main

// ---------------------------------------------------------------------------------------
// Live reload: `knead serve`, an open article, an edit of its Markdown

/** Starts `knead serve` on a copy of the bundled site; resolves with its URL once its
 * log matches `done` (the first build's summary by default). */
function startServe(root, done = /built: rendered/) {
  const [cmd, pre] = kneadCommand();
  const child = spawn(cmd, [...pre, 'serve', '--root', root, '--port', '0'], { cwd: REPO, stdio: ['ignore', 'pipe', 'pipe'] });
  let log = '';
  const ready = new Promise((resolve, reject) => {
    let url = null;
    const timer = setTimeout(() => reject(new Error(`knead serve did not start:\n${log}`)), 60 * 1000);
    const onData = (chunk) => {
      log += chunk;
      const m = log.match(/Serving the site at (http:\/\/127\.0\.0\.1:\d+\/\S*)/);
      if (m) url = m[1];
      if (url && done.test(log)) {
        clearTimeout(timer);
        resolve(url);
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('exit', (code) => reject(new Error(`knead serve exited ${code}:\n${log}`)));
  });
  return { child, ready, log: () => log };
}

async function liveReload(context, tmp, origins) {
  const root = path.join(tmp, 'live', 'site');
  fs.mkdirSync(root, { recursive: true });
  fs.copyFileSync(path.join(REPO, 'site.yaml'), path.join(root, 'site.yaml'));
  fs.cpSync(path.join(REPO, 'content'), path.join(root, 'content'), { recursive: true });
  const articles = fs.readdirSync(path.join(root, 'content', 'articles')).filter((f) => f.endsWith('.md')).sort();
  const file = path.join(root, 'content', 'articles', articles[0]);
  const slug = articles[0].replace(/\.md$/, '');
  const server = startServe(root);
  const page = await context.newPage();
  try {
    const url = await server.ready;
    origins.add(new URL(url).origin);
    await page.goto(`${url}articles/${slug}/`);
    const original = fs.readFileSync(file, 'utf8');
    const token = `Live reload check ${Date.now()}`;
    fs.writeFileSync(file, `${original.trimEnd()}\n\n${token}\n`);
    const reloaded = await page
      .waitForFunction((t) => document.body.innerText.includes(t), token, { timeout: 20 * 1000 })
      .then(() => true, () => false);
    record('serve · an edited article reloads itself in the browser', reloaded, reloaded ? '' : server.log());

    fs.writeFileSync(file, original.replace(/^title:/m, 'titel:'));
    const overlay = await page
      .waitForFunction(() => {
        const o = document.querySelector('[role=alertdialog]');
        return o && o.innerText.includes('unknown front matter key');
      }, null, { timeout: 20 * 1000 })
      .then(() => true, () => false);
    record('serve · a broken edit shows the error over the page', overlay, overlay ? '' : server.log());

    fs.writeFileSync(file, original);
    const recovered = await page
      .waitForFunction((t) => !document.querySelector('[role=alertdialog]') && !document.body.innerText.includes(t), token, { timeout: 20 * 1000 })
      .then(() => true, () => false);
    record('serve · fixing the file recovers the page', recovered, recovered ? '' : server.log());
  } catch (e) {
    record('serve · live reload', false, e.stack || String(e));
  } finally {
    await page.close().catch(() => {});
    server.child.kill();
  }
}

/** A first build that fails: the page shows the errors and becomes the site on the fix;
 * an edit of base_url then reloads it under the new path. */
async function firstBuildFails(context, tmp, origins) {
  const root = path.join(tmp, 'first-fails', 'site');
  fs.mkdirSync(root, { recursive: true });
  const yaml = fs.readFileSync(path.join(REPO, 'site.yaml'), 'utf8');
  fs.writeFileSync(path.join(root, 'site.yaml'), yaml);
  fs.cpSync(path.join(REPO, 'content'), path.join(root, 'content'), { recursive: true });
  const articles = fs.readdirSync(path.join(root, 'content', 'articles')).filter((f) => f.endsWith('.md')).sort();
  const file = path.join(root, 'content', 'articles', articles[0]);
  const original = fs.readFileSync(file, 'utf8');
  fs.writeFileSync(file, original.replace(/^title:/m, 'titel:'));
  const server = startServe(root, /there is no site to show yet/);
  const page = await context.newPage();
  try {
    const url = await server.ready;
    origins.add(new URL(url).origin);
    await page.goto(url);
    const overlay = await page
      .waitForFunction(() => {
        const o = document.querySelector('[role=alertdialog]');
        return o && o.innerText.includes('unknown front matter key');
      }, null, { timeout: 20 * 1000 })
      .then(() => true, () => false);
    record('serve · a failed first build shows its errors in the page', overlay, overlay ? '' : server.log());

    fs.writeFileSync(file, original);
    const site = await page
      .waitForFunction(() => !document.querySelector('[role=alertdialog]') && document.querySelector('nav[aria-label=Main]'), null, { timeout: 20 * 1000 })
      .then(() => true, () => false);
    record('serve · fixing it turns the page into the site', site, site ? '' : server.log());

    const sub = yaml.replace(/^base_url: .*$/m, 'base_url: "https://example.org/backcare/"');
    if (sub === yaml) throw new Error('no base_url line in site.yaml');
    fs.writeFileSync(path.join(root, 'site.yaml'), sub);
    const moved = await page
      .waitForFunction(() => location.pathname === '/backcare/' && !!document.querySelector('link[href="/backcare/style.css"]')
        && !!document.querySelector('nav[aria-label=Main]') && getComputedStyle(document.body).marginTop === '0px', null, { timeout: 20 * 1000 })
      .then(() => true, () => false);
    record('serve · an edit of base_url reloads the page, styled, under the new path', moved, moved ? '' : `${page.url()}\n${server.log()}`);
  } catch (e) {
    record('serve · a failed first build', false, e.stack || String(e));
  } finally {
    await page.close().catch(() => {});
    server.child.kill();
  }
}

// ---------------------------------------------------------------------------------------
// A theme of two templates (tests/fixtures/slim: only base.html and article.html, the
// rest from the built-in theme): built, and checked on a few pages only, to stay cheap.

const SLIM_PAGES = ['/', '/articles/sitting/', '/techniques/swedish/'];

async function slimTheme(context, tmp, origins, servers, axeSource, net) {
  const root = path.join(tmp, 'slim-fixture', 'site');
  fs.cpSync(path.join(REPO, 'tests', 'fixtures', 'slim'), root, { recursive: true });
  const out = path.join(tmp, 'slim-fixture', 'public');
  const [cmd, pre] = kneadCommand();
  const r = run(cmd, [...pre, 'build', '--root', root, '--output', out], { cwd: REPO });
  const ok = r.status === 0 && fs.existsSync(path.join(out, 'index.html'));
  record('slim fixture (a theme of two templates) · knead build', ok, ok ? '' : `exited ${r.status}\n${r.out.trim()}`);
  if (!ok) return;
  const server = await serve(out);
  servers.push(server);
  const origin = `http://127.0.0.1:${server.address().port}`;
  origins.add(origin);
  for (const url of SLIM_PAGES) {
    const label = `slim fixture · ${url}`;
    const page = await context.newPage();
    net.reset(null);
    try {
      await page.setViewportSize({ width: 1280, height: HEIGHT });
      await page.goto(`${origin}${url}`, { waitUntil: 'load' });
      await page.keyboard.press('Tab');
      const skip = await page.evaluate(skipLinkInPage);
      record(`${label}: skip link first, visible on focus, leads to <main>`, skip === '', skip);
      await page.evaluate(() => document.activeElement?.blur());
      await page.addScriptTag({ content: axeSource });
      for (const scheme of SCHEMES) {
        await page.emulateMedia({ colorScheme: scheme });
        const axe = await axeRun(page);
        const detail = violationLines(axe.violations);
        record(`${label}: axe, ${scheme} scheme: no violations`, axe.violations.length === 0, detail);
      }
      const problems = net.problems();
      record(`${label}: no external or failed requests`, problems.length === 0, [...new Set(problems)].join('\n'));
    } catch (e) {
      record(`${label}: browser checks ran`, false, e.stack || String(e));
    } finally {
      await page.close().catch(() => {});
    }
  }
}

async function main() {
  const started = Date.now();
  console.log(`knead browser tests (${all ? 'every page' : 'one page of each type'})`);
  if (!fs.existsSync(CHROMIUM)) {
    if (CI) {
      record(`Chromium at ${CHROMIUM}`, false, 'not installed; CI must install it (apt-get install -y chromium)');
      return summary();
    }
    console.log(`Browser tests skipped: no Chromium at ${CHROMIUM} (install it with apt-get install -y chromium, or set CHROMIUM).`);
    return 0;
  }
  const hasJava = javaAvailable();
  if (!hasJava && CI) record('java for the Nu Html Checker', false, 'java -version failed');
  else if (!hasJava) notes.push('Nu Html Checker skipped: no java on PATH');

  const { chromium } = await import('playwright-core');
  const axeSource = fs.readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'knead-browser-'));
  const servers = [];
  let context = null;
  try {
    const builds = [];
    const SUBPATH = '/backcare/';
    const subpaths = [];
    const languages = [];
    for (const theme of themesInRepo()) {
      const bilingual = buildBilingual(theme, tmp);
      const rtl = buildBilingual(theme, tmp, true);
      if (bilingual && rtl) languages.push({ theme, out: bilingual, rtlOut: rtl });
      if (onlyLanguages) continue;
      const out = buildWithTheme(theme, tmp);
      themeAssets(theme, out);
      if (out) builds.push({ theme, out });
      // The same site published under a subpath (the port is not known yet: the host of
      // base_url does not matter for pages, only its path).
      const sub = buildWithTheme(theme, tmp, `https://example.org${SUBPATH}`);
      if (sub) subpaths.push({ theme, out: sub });
    }
    for (const b of builds) if (hasJava) vnu(b.theme, b.out);

    for (const b of builds) {
      const server = await serve(b.out);
      servers.push(server);
      b.origin = `http://127.0.0.1:${server.address().port}`;
    }
    for (const b of subpaths) {
      const server = await serve(b.out, SUBPATH);
      servers.push(server);
      b.origin = `http://127.0.0.1:${server.address().port}`;
    }
    for (const b of languages) {
      for (const [key, dir] of [['origin', b.out], ['rtlOrigin', b.rtlOut]]) {
        const server = await serve(dir);
        servers.push(server);
        b[key] = `http://127.0.0.1:${server.address().port}`;
      }
    }
    const origins = new Set([...builds, ...subpaths, ...languages.flatMap((b) => [{ origin: b.origin }, { origin: b.rtlOrigin }])].map((b) => b.origin));
    if (SCREENSHOTS_DIR) fs.mkdirSync(SCREENSHOTS_DIR, { recursive: true });

    context = await chromium.launchPersistentContext(path.join(tmp, 'chromium-profile'), {
      executablePath: CHROMIUM,
      headless: true,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
      viewport: { width: 1280, height: HEIGHT },
      timeout: 60 * 1000,
    });
    context.setDefaultTimeout(STEP_TIMEOUT_MS);
    context.setDefaultNavigationTimeout(STEP_TIMEOUT_MS);

    // Every request: local ones go through, anything else is blocked and reported.
    let netProblems = [];
    let expected404 = null;
    const net = {
      reset(url404) {
        netProblems = [];
        expected404 = url404;
      },
      problems: () => netProblems,
    };
    await context.route('**/*', (route) => {
      const url = route.request().url();
      let origin = '';
      try {
        origin = new URL(url).origin;
      } catch {}
      if (origins.has(origin)) return route.continue();
      if (url.startsWith('data:')) return route.continue();
      netProblems.push(`external request blocked: ${url}`);
      return route.abort('blockedbyclient');
    });
    context.on('response', (res) => {
      if (res.status() >= 400 && res.url() !== expected404) netProblems.push(`${res.status()} for ${res.url()}`);
    });
    context.on('requestfailed', (req) => {
      if (!netProblems.some((p) => p.includes(req.url()))) netProblems.push(`request failed: ${req.url()} (${req.failure()?.errorText})`);
    });

    for (const b of builds) {
      const best = await checkTheme(context, b.theme, b.out, b.origin, axeSource, net);
      await calloutChecks(context, b.theme, b.out, b.origin, axeSource);
      await imageChecks(context, b.theme, b.out, b.origin);
      await evidenceChecks(context, b.theme, b.origin, best);
      if (SCREENSHOTS_DIR) await screenshots(context, b.theme, b.origin, best);
      await searchChecks(context, b.theme, b.origin, '/', axeSource, net);
      await paginationChecks(context, b.theme, b.origin, '/', axeSource, net);
    }
    await slimTheme(context, tmp, origins, servers, axeSource, net);
    for (const b of subpaths) {
      await searchChecks(context, b.theme, b.origin, SUBPATH, axeSource, net);
      await paginationChecks(context, b.theme, b.origin, SUBPATH, axeSource, net);
    }
    for (const b of languages) {
      await spanishChecks(context, b.theme, b.origin, axeSource, net);
      await rtlChecks(context, b.theme, b.rtlOrigin);
    }
    if (!onlyLanguages) {
      await liveReload(context, tmp, origins);
      await firstBuildFails(context, tmp, origins);
    }
  } catch (e) {
    record('browser tests ran to the end', false, e.stack || String(e));
  } finally {
    if (context) await context.close().catch(() => {});
    await Promise.all(servers.map(closeServer));
    fs.rmSync(tmp, { recursive: true, force: true });
  }
  console.log(`\nbrowser tests took ${((Date.now() - started) / 1000).toFixed(1)} s`);
  return summary();
}

const watchdog = setTimeout(() => {
  record(`browser tests finished within ${TOTAL_TIMEOUT_MS / 60000} minutes`, false, 'timed out');
  summary();
  process.exit(1);
}, TOTAL_TIMEOUT_MS);
watchdog.unref();

main().then(
  (failed) => {
    clearTimeout(watchdog);
    process.exitCode = failed ? 1 : 0;
  },
  (e) => {
    clearTimeout(watchdog);
    record('browser tests ran', false, e.stack || String(e));
    summary();
    process.exitCode = 1;
  },
);
