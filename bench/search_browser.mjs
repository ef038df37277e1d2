#!/usr/bin/env node
// Measures site search in Chromium on a built site. For each query, in a fresh browser
// context: a page loads /search/ (nothing cached), the query is submitted, and we record
// how long the answer took (submit -> results shown and announced) and how many bytes the
// search fetched (the manifest, shards and document files); then a second fresh page
// runs the same query with the files in the browser's HTTP cache (no network: the time
// is parsing, ranking and showing); then the same query once more on that warm page.
//
//   node bench/search_browser.mjs [--runs N] [--files] OUTPUT_DIR [QUERY...]
//
// --runs N: N fresh contexts per query, alternating queries; the table gives the median
// of each column and the first query's times run by run. --files: also prints, for
// every first query, each index file fetched: when it was asked for and when it had
// come, in ms after the submit, and its size.
//
// Needs Debian's chromium and tests/browser/node_modules (cd tests/browser && npm ci).
import http from 'node:http';
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const require = createRequire(path.join(here, '..', 'tests', 'browser', 'package.json'));
const { chromium } = require('playwright-core');
const args = process.argv.slice(2);
let runs = 1;
let files = false;
while (args[0]?.startsWith('--')) {
  const flag = args.shift();
  if (flag === '--runs') runs = Number(args.shift());
  else if (flag === '--files') files = true;
  else args.unshift('');
}
const [root, ...rest] = args;
if (!root || !(runs >= 1)) {
  console.error('usage: node bench/search_browser.mjs [--runs N] [--files] OUTPUT_DIR [QUERY...]');
  process.exit(2);
}
const queries = rest.length ? rest : ['sciatica', 'pregnancy', 'foam roller', 'massage', 'massages for lower back pain', 'sciat'];
const types = { '.html': 'text/html; charset=utf-8', '.css': 'text/css', '.js': 'text/javascript', '.json': 'application/json' };
const server = http.createServer((req, res) => {
  let file = path.join(root, path.normalize(decodeURIComponent(new URL(req.url, 'http://x').pathname)));
  if (fs.existsSync(file) && fs.statSync(file).isDirectory()) file = path.join(file, 'index.html');
  if (!file.startsWith(path.resolve(root)) || !fs.existsSync(file)) {
    res.writeHead(404);
    return res.end();
  }
  const body = fs.readFileSync(file);
  res.writeHead(200, {
    'content-type': types[path.extname(file)] || 'application/octet-stream',
    'content-length': body.length,
    'cache-control': 'max-age=3600',
  });
  res.end(body);
});
await new Promise((r) => server.listen(0, '127.0.0.1', r));
const origin = `http://127.0.0.1:${server.address().port}`;
const browser = await chromium.launch({ executablePath: process.env.CHROMIUM || '/usr/bin/chromium', args: ['--no-sandbox', '--headless'] });

/** Submits `q` in the page and resolves with the milliseconds until the status changed. */
function timeQuery(q) {
  return new Promise((resolve) => {
    const status = document.getElementById('search-status');
    const input = document.getElementById('search-input');
    status.textContent = '';
    performance.clearResourceTimings();
    const t0 = performance.now();
    new MutationObserver((_, obs) => {
      if (status.textContent) {
        obs.disconnect();
        const ms = performance.now() - t0;
        const fetched = performance
          .getEntriesByType('resource')
          .filter((e) => /search-index\.json|\/search\/(shards|docs)\//.test(e.name))
          .map((e) => ({ name: e.name.replace(/^.*?\/(search\/|search-index)/, '$1').replace(/\?.*/, ''), start: e.startTime - t0, end: e.responseEnd - t0, bytes: e.encodedBodySize }));
        resolve({ ms, status: status.textContent, fetched });
      }
    }).observe(status, { childList: true, characterData: true, subtree: true });
    input.value = q;
    input.form.requestSubmit();
  });
}

{
  // Warm up the browser itself.
  const page = await browser.newPage();
  await page.goto(`${origin}/search/?q=warm`, { waitUntil: 'networkidle' });
  await page.close();
}
const results = new Map(queries.map((q) => [q, []]));
for (let run = 0; run < runs; run++) {
  for (const q of queries) {
    const context = await browser.newContext();
    const page = await context.newPage();
    // The manifest comes with the page (the script loads it at once), so it is counted.
    const manifest = page.waitForResponse((r) => r.url().includes('search-index.json'));
    await page.goto(`${origin}/search/`, { waitUntil: 'networkidle' });
    const manifestBytes = (await (await manifest).body()).length;
    const cold = await page.evaluate(timeQuery, q);
    const page2 = await context.newPage();
    await page2.goto(`${origin}/search/`, { waitUntil: 'networkidle' });
    const cached = await page2.evaluate(timeQuery, q);
    const warm = await page2.evaluate(timeQuery, q);
    const bytes = manifestBytes + cold.fetched.reduce((a, f) => a + f.bytes, 0);
    results.get(q).push({ cold, cached, warm, bytes, files: cold.fetched.length + 1 });
    if (files) console.log(`${q} (${cold.ms.toFixed(1)} ms): ${cold.fetched.map((f) => `${f.name} ${f.start.toFixed(1)}-${f.end.toFixed(1)} ${f.bytes}`).join('; ')}`);
    await context.close();
  }
}
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[s.length >> 1] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const ms = (x) => `${x.toFixed(1)} ms`;
console.log(`| query | first query, over the network${runs > 1 ? ` (median of ${runs}; each run)` : ''} | bytes fetched (files) | first query, files cached | same query again | results |`);
console.log('|---|---:|---:|---:|---:|---|');
for (const [q, rs] of results) {
  const cold = median(rs.map((r) => r.cold.ms));
  const each = runs > 1 ? ` (${rs.map((r) => r.cold.ms.toFixed(0)).join(', ')})` : '';
  console.log(
    `| ${q} | ${ms(cold)}${each} | ${(rs[0].bytes / 1000).toFixed(0)} KB (${rs[0].files}) | ${ms(median(rs.map((r) => r.cached.ms)))} | ${ms(median(rs.map((r) => r.warm.ms)))} | ${rs[0].cold.status} |`,
  );
}
await browser.close();
server.close();
