/* knead site search: no dependencies, no external requests. The text analysis and the
   ranking follow src/text/ and src/search/ exactly (query.rs is the Rust copy of the
   ranking); FOLD and STOP are the same tables. Markup: #search-form, #search-input,
   #search-status, #search-results. */
(function () {
'use strict';
var FOLD = "àa áa âa ãa äa åa āa ăa ąa æae çc ćc čc ďd đd ðd èe ée êe ëe ēe ėe ęe ěe ğg ìi íi îi ïi īi įi ıi ķk ĺl ļl ľl łl ñn ńn ņn ňn òo óo ôo õo öo øo ōo őo œoe ŕr řr śs şs šs ßss ţt ťt ùu úu ûu üu ūu ůu űu ųu ýy ÿy źz żz žz þth ςσ";
// @en
var STOP = "a about all also an and any are as at be been but by can could did do does for from had has have he her his how i if in into is it its just me more most my no not of on or our out over she should so some such than that the their them then there these they this those to too up us very was we were what when where which while who why will with would you your";
// @all
var DIGITS = '0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ-_';
var PAGE = 10;
var fold = {}, stop = {}, dv = new Int8Array(128);
FOLD.split(' ').forEach(function (e) { fold[e[0]] = e.slice(1); });
// @en
STOP.split(' ').forEach(function (w) { stop[w] = 1; });
// @all
for (var i = 0; i < 64; i++) dv[DIGITS.charCodeAt(i)] = i;
var WORD = /[\p{Alphabetic}\p{N}'’ʼ]+/gu;

// Steps 1-2: lowercase, drop apostrophes, fold accents.
function norm(run, lower) {
  var out = '';
  for (var c of lower ? run : run.toLowerCase()) if (c !== "'" && c !== '’' && c !== 'ʼ') out += fold[c] || c;
  return out;
}
// @en
function undouble(w) {
  var n = w.length;
  return n >= 2 && w[n - 1] === w[n - 2] && !/[aeiouylsz]/.test(w[n - 1]) ? w.slice(0, -1) : w;
}
function stem(w) {
  if (w.length < 4 || !/^[a-z]+$/.test(w)) return w;
  var e = function (s) { return w.slice(-s.length) === s; };
  if (e('ies') && w.length >= 5) w = w.slice(0, -3) + 'y';
  else if (e('sses')) w = w.slice(0, -2);
  else if (e('ss') || e('us') || e('is')) {}
  else if (e('ches') || e('shes') || e('xes') || e('zes')) w = w.slice(0, -2);
  else if (e('s')) w = w.slice(0, -1);
  if (e('ing') && w.length >= 6 && /[aeiouy]/.test(w.slice(0, -3))) w = undouble(w.slice(0, -3));
  else if (e('ed') && w.length >= 5 && /[aeiouy]/.test(w.slice(0, -2))) w = undouble(w.slice(0, -2));
  if (e('er') && w.length >= 6) w = undouble(w.slice(0, -2));
  if (e('e') && w.length > 3) w = w.slice(0, -1);
  return w;
}
// @all
// Steps 3-4 (src/text/lang.rs): knead writes each language's copy of this script with
// one of the blocks below, the one of the site's language: @en, @es, or @other (words as
// they are).
// @en
// Steps 3-4: the index term of a normalized token, or null.
function term(t) {
  var n = [...t].length;
  return n < 2 || n > 32 || stop[t] ? null : stem(t);
}
// @es
// Spanish (src/text/lang.rs): the Snowball Spanish stemmer, on folded words, so only
// its unaccented suffixes can match. Each table: action code, then suffixes.
var ES_STOP = "a al algo como con de del donde el ella ellas ellos en entre era es esa ese eso esta este esto estos fue ha han hay la las le les lo los mas me mi muy no nos o para pero por que se si sin sobre su sus te tu un una unas uno unos y ya yo";
var esStop = tab(ES_STOP);
// A table of suffixes: the number of its group (split by '|') by suffix.
function tab(s) {
  var t = Object.create(null);
  s.split('|').forEach(function (g, c) { g.split(' ').forEach(function (x) { if (x) t[x] = c; }); });
  return t;
}
var PRON = tab('la sela le me se lo selo las selas les los selos nos');
var GER = tab('ando iendo ar er ir|yendo');
var STD = tab('|ica osa ista anza able ible ico ismo oso amiento imiento icas osas istas anzas ables ibles icos ismos osos amientos imientos|ancia adora ante ador ancias adoras aciones adores antes||uciones|encia encias|amente|mente|idad idades|iva ivo ivas ivos');
var YV = tab('ya ye yan yen yeron yendo yo yas yes yais yamos');
var VERB = tab('aba ada ida ara iera ad ed id ase iese aste iste an aban aran ieran asen iesen aron ieron ado ido ando iendo ar er ir as abas adas idas aras ieras ases ieses abais arais ierais aseis ieseis asteis isteis ados idos amos aremos eremos iremos imos|en es emos');
var RES = tab('a o os|e');
// The longest suffix of w in table t that starts at f or later ('' if none).
function suf(w, t, f) {
  var b = '';
  for (var x in t) if (x.length > b.length && w.length - x.length >= f && w.endsWith(x)) b = x;
  return b;
}
// The Snowball Spanish stemmer: regions, then pronoun, standard, verb, residual suffix.
function esStem(w) {
  if (!/^[a-z]+$/.test(w)) return w;
  var n = w.length, V = function (i) { return 'aeiou'.indexOf(w[i] || '-') >= 0; };
  var go = function (i, v) { for (; i >= 0 && i < n; i++) if (V(i) === v) return i + 1; return -1; };
  var pV = n, p1 = n, p2 = n, r = -1, s, k, c, g, done;
  if (n > 1) r = !V(1) ? go(2, true) : V(0) ? go(2, false) : n > 2 ? 3 : -1;
  if (r >= 0) pV = r;
  r = go(go(0, true), false);
  if (r >= 0) { p1 = r; r = go(go(r, true), false); if (r >= 0) p2 = r; }
  var cut = function (i) { w = w.slice(0, i); };
  var tail = function (x, f) { return w.endsWith(x) && w.length - x.length >= f; };
  if ((s = suf(w, PRON, 0))) {
    var b = w.slice(0, -s.length);
    g = suf(b, GER, 0);
    k = b.length - g.length;
    if (g && k >= pV && (!GER[g] || b[k - 1] === 'u')) w = b;
  }
  s = suf(w, STD, 0);
  k = w.length - s.length;
  c = STD[s];
  if (s && k >= (c === 6 ? p1 : p2)) {
    done = cut(k) || 1;
    if (c === 2 && tail('ic', p2)) cut(w.length - 2);
    if (c === 4) w += 'u';
    if (c === 5) w += 'ente';
    if (c === 9 && tail('at', p2)) cut(w.length - 2);
    var t = c === 6 ? { ic: 0, ad: 0, os: 0, iv: 1 } : c === 7 ? { able: 0, ible: 0, ante: 0 } : c === 8 ? { ic: 0, abil: 0, iv: 0 } : {};
    if ((g = suf(w, t, p2))) {
      cut(w.length - g.length);
      if (t[g] && tail('at', p2)) cut(w.length - 2);
    }
  }
  if (!done && (s = suf(w, YV, pV)) && w[w.length - s.length - 1] === 'u') done = cut(w.length - s.length) || 1;
  if (!done && (s = suf(w, VERB, pV))) {
    k = w.length - s.length;
    cut(VERB[s] && w[k - 1] === 'u' && w[k - 2] === 'g' ? k - 1 : k);
  }
  s = suf(w, RES, 0);
  if (s && w.length - s.length >= pV) {
    cut(w.length - s.length);
    if (RES[s] && tail('u', pV) && w[w.length - 2] === 'g') cut(w.length - 1);
  }
  return w;
}
function term(t) {
  var n = [...t].length;
  return n < 2 || n > 32 || esStop[t] >= 0 ? null : esStem(t);
}
// @other
function term(t) {
  var n = [...t].length;
  return n < 2 || n > 32 ? null : t;
}
// @all
function tokens(text) {
  return (text.toLowerCase().match(WORD) || []).map(function (r) { return norm(r, 1); }).filter(Boolean);
}

function byId(id) { return document.getElementById('search-' + id); }
var form = byId('form'), input = byId('input'), status = byId('status'), list = byId('results');
if (!form || !input || !status || !list) return;
var root = new URL('../', document.currentScript.src);
var files = {};
function get(path) {
  if (!files[path]) files[path] = fetch(new URL(path, root)).then(function (r) {
    if (!r.ok) throw new Error(r.status);
    return r.json();
  });
  return files[path];
}
var manifest = null;
function file(path) { return get(path + '?v=' + manifest.hash); }
function shard(k) { return file('search/shards/' + k + '.json'); }
// The shard of term `t`: the last whose first term is `t` or before it, so that of shards
// with the same first term, all but the last hold nothing.
function shardOf(t) {
  var s = manifest.shards, lo = 0, hi = s.length - 1;
  while (lo < hi) {
    var mid = (lo + hi + 1) >> 1;
    if (s[mid] <= t) lo = mid; else hi = mid - 1;
  }
  return lo;
}
// A shard's terms in JavaScript string order (Object.keys puts number-like keys first),
// so that the terms with a prefix are found by binary search.
var sortedKeys = new Map();
function keysOf(shard) {
  var k = sortedKeys.get(shard);
  if (!k) sortedKeys.set(shard, (k = Object.keys(shard).sort()));
  return k;
}
// The terms of `shard` that start with `pre`, onto `out` (none when the shard, empty, was
// not fetched).
function withPrefix(shard, pre, out) {
  var keys = keysOf(shard || {}), lo = 0, hi = keys.length;
  while (lo < hi) {
    var mid = (lo + hi) >> 1;
    if (keys[mid] < pre) lo = mid + 1; else hi = mid;
  }
  for (var i = lo; i < keys.length && keys[i].slice(0, pre.length) === pre; i++) out.push(keys[i]);
}
var decoded = {};
function postings(shard, t) {
  if (!Object.prototype.hasOwnProperty.call(shard, t)) return null;
  if (decoded[t]) return decoded[t];
  // Pairs of numbers: the gap to the previous document, then the weight.
  var s = shard[t], docs = new Int32Array(s.length >> 1), qs = new Int32Array(s.length >> 1);
  var v = 0, k = 0, next = 0, gap = true;
  for (var i = 0; i < s.length; i++) {
    var d = dv[s.charCodeAt(i)];
    v = v * 32 + (d & 31);
    if (d >= 32) continue;
    if (gap) docs[k] = next = next + v;
    else { qs[k++] = v; next++; }
    gap = !gap;
    v = 0;
  }
  return (decoded[t] = { docs: docs.subarray(0, k), qs: qs.subarray(0, k) });
}

// The query's words, the shards they need, and the prefixes of the last word.
function plan_(q) {
  var toks = [];
  tokens(q).forEach(function (t) { if (toks.indexOf(t) < 0 && term(t)) toks.push(t); });
  // `words[i]`: the shards word i needs; `need`: all of them, in the order of the words.
  var need = [], ranges = [], words = [], S = manifest.shards;
  toks.forEach(function (t, i) {
    var ex = term(t), ks = [shardOf(ex)];
    if (i === toks.length - 1) [t, ex].forEach(function (p) {
      if ([...p].length < 3) return;
      ranges.push(p);
      // A shard whose first term is the next one's holds no term (see shardOf()): not
      // asked for.
      for (var k = shardOf(p), end = shardOf(p + '\uffff'); k <= end; k++) if (S[k] !== S[k + 1]) ks.push(k);
    });
    ks.forEach(function (k) { if (need.indexOf(k) < 0) need.push(k); });
    words.push(ks);
  });
  return { toks: toks, need: need, ranges: ranges, words: words };
}

async function loadManifest() {
  manifest = manifest || (await get('search-index.json'));
  manifest.dfs = new Map(Object.entries(manifest.df));
}
async function search(q) {
  if (!manifest) await loadManifest();
  var plan = plan_(q), shards = {}, s = scoring(plan, shards);
  // Asked for in the order of the words, and each word scored as soon as its shards are
  // in, so that little is left to do when the last one comes.
  await Promise.all(plan.need.map(function (k) {
    return shard(k).then(function (j) {
      shards[k] = j;
      s.step();
    });
  }));
  return s.done();
}
// Ranking: see src/search/mod.rs. The scoring of a plan's words over `shards`, which
// fills as they come: step() scores
// the next words whose shards are all in, in the order of the words (so that the sums
// are the same whatever order the shards come in); done() gives the hits.
function scoring(plan, shards) {
  var toks = plan.toks, ranges = plan.ranges, next = 0;
  // A term in more documents than its entry lists has its number of documents in the
  // manifest's `df`: a word that is such a term is not required, only scored.
  var n = manifest.docs, matched = new Set(), df = manifest.dfs, req = 0;
  var total = new Float64Array(n), count = new Uint8Array(n), best = new Float64Array(n);
  // The documents scored, and those scored for the current word: the work follows the
  // postings read, never the size of the site.
  var seen = [], mark = [];
  function step() {
    while (next < toks.length && plan.words[next].every(function (k) { return shards[k]; })) word(toks[next], next++);
  }
  function word(t, i) {
    var ex = term(t), m = [], soft = df.has(ex);
    req += !soft;
    for (var j = 0; j < mark.length; j++) best[mark[j]] = 0;
    mark.length = 0;
    var p = postings(shards[shardOf(ex)], ex);
    if (p) m.push([ex, p, 1]);
    if (i === toks.length - 1) ranges.forEach(function (pre) {
      for (var k = shardOf(pre), end = shardOf(pre + '\uffff'); k <= end; k++) {
        var found = [];
        withPrefix(shards[k], pre, found);
        found.forEach(function (key) {
          if (!m.some(function (x) { return x[0] === key; })) m.push([key, postings(shards[k], key), 0.5]);
        });
      }
    });
    // A document's score for the word is its best over the terms: raised as better
    // ones come (no pass over every document per word).
    m.forEach(function (x) {
      matched.add(x[0]);
      var docs = x[1].docs, qs = x[1].qs, w = x[2] * Math.log(1 + n / (df.get(x[0]) || docs.length));
      for (var j = 0; j < docs.length; j++) {
        var d = docs[j], s = w * qs[j], b = best[d];
        if (s > b) {
          if (!b) {
            count[d] += !soft;
            mark.push(d);
            if (!total[d]) seen.push(d);
          }
          total[d] += s - b;
          best[d] = s;
        }
      }
    });
  }
  function done() {
    var hits = [], all = true;
    for (var j = 0; j < seen.length; j++) if (count[seen[j]] === req) hits.push(seen[j]);
    if (!hits.length) {
      all = false;
      hits = seen;
    }
    // Best first, ties in document (title) order; sorted as far as shown (see order()).
    var by = function (a, b) { return total[b] - total[a] || a - b; };
    return { hits: hits, total: total, by: by, sorted: 0, all: all, matched: matched, count: toks.length };
  }
  return { step: step, done: done };
}

// True when the word `w`, as written, is one of the query's terms. Remembered per query:
// drawing a page of results meets the same few hundred words again and again.
function hit(w, matched) {
  var seen = matched.seen || (matched.seen = new Map());
  if (!seen.has(w)) seen.set(w, matched.has(term(norm(w))));
  return seen.get(w);
}
function highlight(el, text, matched) {
  var last = 0, m;
  WORD.lastIndex = 0;
  while ((m = WORD.exec(text))) {
    if (hit(m[0], matched)) {
      el.append(text.slice(last, m.index));
      var mark = document.createElement('mark');
      mark.textContent = m[0];
      el.append(mark);
      last = m.index + m[0].length;
    }
  }
  el.append(text.slice(last));
}
function hits(text, matched) {
  var n = 0, m;
  WORD.lastIndex = 0;
  while ((m = WORD.exec(text))) n += hit(m[0], matched);
  return n;
}
function el(tag, cls, parent) {
  var e = document.createElement(tag);
  if (cls) e.className = cls;
  if (parent) parent.append(e);
  return e;
}

var seq = 0, current = null, more = null;
// The messages, in the page's language: the theme writes them on #search-status.
var said = status.dataset;
function say(key, fallback, q, n) {
  // Functions, so that a `$` in the query is not read as a replacement pattern.
  return (said[key] || fallback).replace('{q}', function () { return q; }).replace('{n}', function () { return n; });
}
var sorry = say('sorry', 'Sorry, search is not available right now. Please try again later.');
// Puts the best `k` hits first, in order: a full sort only when more are asked for.
function order(r, k) {
  if (r.sorted >= k) return;
  var h = r.hits, t = r.total;
  if (k > PAGE || h.length <= 4 * PAGE) {
    h.sort(r.by);
    r.sorted = h.length;
    return;
  }
  // The best k and where they are, best first: one pass, comparing with the worst kept.
  var top = [], at = [];
  for (var i = 0; i < h.length; i++) {
    var d = h[i], s = t[d];
    if (top.length === k) {
      var w = top[k - 1], ws = t[w];
      if (s < ws || (s === ws && d > w)) continue;
    }
    var j = top.length < k ? top.length : k - 1;
    while (j > 0 && (s > t[top[j - 1]] || (s === t[top[j - 1]] && d < top[j - 1]))) {
      top[j] = top[j - 1];
      at[j] = at[j - 1];
      j--;
    }
    top[j] = d;
    at[j] = i;
  }
  // Swapped to the front; the rest waits, unsorted, for "Show more results".
  for (j = 0; j < top.length; j++) {
    var e = h[j];
    h[j] = top[j];
    h[at[j]] = e;
    for (var l = j + 1; l < top.length; l++) if (at[l] === j) at[l] = at[j];
  }
  r.sorted = k;
}

function result(d, matched) {
  var li = el('li', 'search-result');
  var a = el('a', '', el('h2', '', li));
  a.href = root.pathname + d[1];
  highlight(a, d[0], matched);
  el('p', 'search-url', li).textContent = decodeURI(a.pathname);
  var cands = [d[2], d[3]].concat(d[5], d[4]).filter(Boolean), best = cands[0] || '', most = 0;
  cands.forEach(function (c) {
    var k = hits(c, matched);
    if (k > most) { most = k; best = c; }
  });
  if (best) highlight(el('p', 'search-snippet', li), best, matched);
  return li;
}
// Builds the results `from` .. `from + PAGE` off the page, so that they are drawn at once.
async function show(from) {
  var r = current;
  order(r, from + PAGE);
  var shown = r.hits.slice(from, from + PAGE);
  // Each result is drawn as its file comes, while the others are still on their way.
  var lis = await Promise.all(shown.map(function (h) {
    return file('search/docs/' + Math.floor(h / manifest.chunk) + '.json').then(function (c) {
      return r === current ? result(c[h % manifest.chunk], r.matched) : null;
    });
  }));
  if (r !== current) return null;
  var items = document.createDocumentFragment(), next = null;
  lis.forEach(function (li) { items.append(li); });
  var first = lis.length ? lis[0].querySelector('a') : null;
  if (from + PAGE < r.hits.length) {
    next = el('button', 'search-more');
    next.type = 'button';
    next.textContent = say('more', 'Show more results');
    // Not once a newer query has started: its results would join this list.
    next.onclick = function () { if (r === current) showMore(from + PAGE); };
  }
  return { first: first, items: items, more: next };
}
function setMore(next) {
  if (more) more.remove();
  more = next;
  if (more) list.after(more);
}
async function showMore(from) {
  var page;
  try {
    page = await show(from);
  } catch (e) {
    status.textContent = sorry;
    return;
  }
  if (!page) return;
  // The page scrolls by what the list grew, so that the footer below it stays still.
  var doc = document.documentElement, height = doc.scrollHeight;
  list.append(page.items);
  setMore(page.more);
  window.scrollBy({ top: doc.scrollHeight - height, behavior: 'instant' });
  // A frame later: in the same frame this scroll would cancel that one and the footer moves.
  requestAnimationFrame(function () {
    requestAnimationFrame(function () {
      // At once: a smooth glide back over the new results would only blur past them.
      page.first.focus({ preventScroll: true });
      page.first.closest('li').scrollIntoView({ block: 'start', behavior: 'instant' });
    });
  });
}

async function run(q, push) {
  var id = ++seq;
  try {
    await answer(q, id);
  } finally {
    // In a task after the answer's: the address's first change can take milliseconds,
    // which would hold the results back from the screen.
    if (push) setTimeout(function () {
      if (id !== seq) return;
      var u = new URL(location.href);
      if (q) u.searchParams.set('q', q); else u.searchParams.delete('q');
      history.replaceState(null, '', u);
    });
  }
}
async function answer(q, id) {
  var pending = q.trim() ? search(q) : null;
  var r = null, page = null;
  try {
    r = await pending;
    if (id !== seq) return;
    current = r;
    page = r && r.hits.length ? await show(0) : null;
  } catch (e) {
    if (id !== seq) return;
    status.textContent = sorry;
    list.replaceChildren();
    setMore(null);
    return;
  }
  if (id !== seq) return;
  // The old results, the new ones and the count change together, in one frame.
  if (page) list.replaceChildren(page.items); else list.replaceChildren();
  setMore(page && page.more);
  if (!r) { status.textContent = ''; return; }
  var n = r.hits.length, quoted = '“' + q.trim() + '”';
  // Announced once the results are there.
  status.textContent = !n
    ? say('none', 'No results for {q}. Try fewer or other words.', quoted)
    : (n === 1 ? say('one', '1 result for {q}', quoted) : say('many', '{n} results for {q}', quoted, n)) +
      (r.all || r.count < 2 ? '' : ' ' + say('partial', '(no page has every word; these have some)'));
}

var timer = 0;
input.addEventListener('input', function () {
  // Fetch the shards of what is typed at once; the query itself waits for a pause.
  if (manifest) plan_(input.value).need.forEach(function (k) { shard(k).catch(function () {}); });
  clearTimeout(timer);
  timer = setTimeout(function () { run(input.value, true); }, 150);
});
form.addEventListener('submit', function (e) {
  e.preventDefault();
  clearTimeout(timer);
  run(input.value, true);
});
// The first query would run the scoring, ranking and drawing code for the first time,
// interpreted; running them on made-up postings while the page waits compiles them.
function warm() {
  var n = Math.min(manifest.docs, 2000), p = '', fake = {}, keep = decoded, r;
  for (var i = 0; i < n; i++) p += '0' + DIGITS[1 + (i % 9)];
  ['massag', 'back', 'pain', 'painful'].forEach(function (t) { fake[t] = p; });
  var plan = plan_('massages back pain'), shards = {};
  plan.need.forEach(function (k) { shards[k] = fake; });
  // Often enough that the engine compiles the scoring as a whole, not only its loops.
  for (var k = 0; k < 12; k++) {
    decoded = {};
    var s = scoring(plan, shards);
    s.step();
    r = s.done();
  }
  order(r, PAGE);
  decoded = keep;
  sortedKeys.delete(fake);
  var doc = ['Massages', 'w/', 'Back pain', 'Pain', ['Back'], ['Massage?']];
  for (i = 0; i < PAGE; i++) result(doc, r.matched);
}
var q = new URLSearchParams(location.search).get('q') || '';
input.value = q;
if (q) run(q, false);
else loadManifest().then(function () { setTimeout(warm, 0); }).catch(function () {});
})();
