#!/usr/bin/env node
// Measures site search in Chromium on a built site. For each query, in a fresh browser
// context: a page loads /search/ (nothing cached), the query is submitted, and we record
// how long the answer took (submit -> results shown and announced) and how many bytes the
// search fetched (the manifest, shards and document files); then a second fresh page
// runs the same query with the files in the browser's HTTP cache (no network: the time
// is parsing, ranking and showing); then the same query once more on that warm page.
//
//   node bench/search_browser.mjs OUTPUT_DIR [QUERY...]
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
const [root, ...rest] = process.argv.slice(2);
if (!root) {
  console.error('usage: node bench/search_browser.mjs OUTPUT_DIR [QUERY...]');
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
    const before = status.textContent;
    status.textContent = '';
    const t0 = performance.now();
    new MutationObserver((_, obs) => {
      if (status.textContent) {
        obs.disconnect();
        resolve({ ms: performance.now() - t0, status: status.textContent, first: document.querySelector('#search-results a')?.textContent });
      }
    }).observe(status, { childList: true, characterData: true, subtree: true });
    input.value = q;
    input.form.requestSubmit();
    void before;
  });
}

{
  // Warm up the browser itself.
  const page = await browser.newPage();
  await page.goto(`${origin}/search/?q=warm`, { waitUntil: 'networkidle' });
  await page.close();
}
console.log('| query | first query, over the network | bytes fetched (files) | first query, files cached | same query again | results |');
console.log('|---|---:|---:|---:|---:|---|');
for (const q of queries) {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(`${origin}/search/`, { waitUntil: 'networkidle' });
  const cold = await page.evaluate(timeQuery, q);
  const bytes = await page.evaluate(() =>
    performance
      .getEntriesByType('resource')
      .filter((e) => /search-index\.json|\/search\/(shards|docs)\//.test(e.name))
      .reduce((a, e) => [a[0] + e.encodedBodySize, a[1] + 1], [0, 0]),
  );
  const page2 = await context.newPage();
  await page2.goto(`${origin}/search/`, { waitUntil: 'networkidle' });
  const cached = await page2.evaluate(timeQuery, q);
  const warm = await page2.evaluate(timeQuery, q);
  console.log(
    `| ${q} | ${cold.ms.toFixed(1)} ms | ${(bytes[0] / 1000).toFixed(0)} KB (${bytes[1]}) | ${cached.ms.toFixed(1)} ms | ${warm.ms.toFixed(1)} ms | ${cold.status} |`,
  );
  await context.close();
}
await browser.close();
server.close();
