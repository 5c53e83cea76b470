// Search page: queries the Pagefind index of this site (nothing is loaded from elsewhere).
// The query, filters and order live in the URL (?q=&source=&year=&event=&language=&sort=), so a
// search can be shared and the back button works. Queries are turned into the same spelling-
// independent search forms that are indexed with every article (search-normalise.js); excerpts
// and highlights are built here from each article's original text only.
import { FORMS_MARKER, hexName, mayHaveProclitic, searchForm, shardKey, stripArticle, tokens } from "./search-normalise.js";

const config = document.getElementById("search-config").dataset;
const data = JSON.parse(document.getElementById("search-data").textContent);
const form = document.querySelector(".search-form");
const input = document.getElementById("search-input");
const status = document.getElementById("search-status");
const list = document.getElementById("search-results");
const more = document.getElementById("search-more");
const sortSelect = document.getElementById("search-sort");
const filterSelects = [...document.querySelectorAll("select[data-filter]")];
const FILTERS = filterSelects.map((s) => s.dataset.filter);
const PAGE_SIZE = 20;
const EXCERPT_WORDS = 30;
const lang = data.lang;
const plural = new Intl.PluralRules(lang);
const dateFormat = new Intl.DateTimeFormat(lang === "ar" ? "ar-u-nu-latn" : "en-GB",
  { day: "numeric", month: "long", year: "numeric", timeZone: "UTC" });

// The index is in parts (generator/search.py): pagefind/parts.json lists them in date order, each
// a Pagefind bundle. The first is loaded as Pagefind's own index and the others merged into it, each
// with a "part" filter of its name; result ids start with the part's name ("<part>_<hash>").
let indexReady = null; // one initialisation, however many callers ask at once
function searchIndex() {
  indexReady ??= (async () => {
    const response = await fetch(`${config.pagefind}parts.json`);
    if (!response.ok) throw new Error(`no search index (${response.status})`);
    const parts = (await response.json()).parts;
    if (!parts.length) return { engine: null, parts };
    const bundle = (part) => `${config.pagefind}${part.name}/`;
    const engine = await import(bundle(parts[0]) + "pagefind.js");
    await engine.options({ basePath: bundle(parts[0]), baseUrl: config.base, excerptLength: EXCERPT_WORDS,
                           mergeFilter: { part: parts[0].name } });
    await engine.init();
    await Promise.all(parts.slice(1).map((part) =>
      engine.mergeIndex(bundle(part), { baseUrl: config.base, mergeFilter: { part: part.name } })));
    return { engine, parts };
  })();
  return indexReady;
}

const partOf = (result) => result.id.slice(0, result.id.indexOf("_"));

// BM25's inverse document frequency, as Pagefind computes it.
const idf = (pages, containing) => Math.log((pages - containing + 0.5) / (containing + 0.5) + 1);

// How many pages of each part hold each query form (a filter no page has keeps Pagefind from scoring).
async function pagesWithForm(engine, form, options) {
  const search = await engine.search(form, { ...options, filters: { part: "\u0000" } });
  return search.totalFilters?.part || {};
}

// Pagefind weighs a word by how rare it is in one part; weigh it by how rare it is in the whole
// archive, so that a part where a word is common (the days an event was covered) does not rank below
// a part where it is only mentioned. Exact for one word (a result's score is that weight times
// a term of the page's own); for several, each part's scores are scaled by the ratio of the sums.
// Pages of equal score (the same report in two outlets) come in the order of their ids: Pagefind
// leaves them in whatever order its unstable sort does, and the build's first pages of results
// (generator/search_head.py) are ordered the same way.
const byScore = (a, b) => b.score - a.score || (a.result.id < b.result.id ? -1 : a.result.id > b.result.id ? 1 : 0);

async function rankAcrossParts(engine, parts, search, forms, options) {
  if (parts.length < 2) {
    return search.results.map((result) => ({ result, score: result.score })).sort(byScore).map((r) => r.result);
  }
  const perForm = forms.length === 1 ? [search.totalFilters?.part || {}]
    : await Promise.all(forms.map((form) => pagesWithForm(engine, form, options)));
  const total = parts.reduce((sum, part) => sum + part.pages, 0);
  const archive = perForm.map((counts) => idf(total, Object.values(counts).reduce((a, b) => a + b, 0)));
  const archiveWeight = archive.reduce((a, b) => a + b, 0);
  const factor = {};
  for (const part of parts) {
    const own = perForm.reduce((sum, counts) => sum + idf(part.pages, counts[part.name] || 0), 0);
    factor[part.name] = own > 0 ? archiveWeight / own : 1;
  }
  const ranked = search.results.map((result) => ({ result, score: result.score * (factor[partOf(result)] ?? 1) }));
  return ranked.sort(byScore).map((r) => r.result);
}

// Sorted by date: each part's results come in its own order, and the parts cover successive days,
// so the parts are read one after the other (undated articles last either way).
function orderByParts(parts, results, newestFirst) {
  const byPart = new Map(parts.map((part) => [part.name, []]));
  const other = [];
  for (const result of results) (byPart.get(partOf(result)) || other).push(result);
  const dated = parts.filter((part) => part.dated);
  if (newestFirst) dated.reverse();
  return [...dated, ...parts.filter((part) => !part.dated)].flatMap((part) => byPart.get(part.name)).concat(other);
}

// -- a frequent word's first page, worked out by the build ------------------------------------------
// Pagefind's time grows with the pages holding a word (it scores and returns every match), so the
// build asks Pagefind itself for the first page of the archive's most frequent words, ranked as
// rankAcrossParts does (generator/search_head.py): search/head/<hex>.json holds the count and the
// first results, each with its word locations and what the page shows of it. Pagefind is asked
// only for more.

const headForms = new Set(data.headForms || []);

function fullUrl(raw) { // as Pagefind makes a result's URL from its fragment
  return /^(https?:)?\/\//.test(raw) ? raw : `${config.base}/${raw}`.replace(/\/+/g, "/");
}

// A result as Pagefind's data() gives it, from what the build kept of its fragment.
const headResult = (r) => ({ id: r.id, url: fullUrl(r.url), content: r.content.replace(/\u200B/g, ""),
                             meta: r.meta, filters: r.filters, locations: r.locations });

// The first page of `form` with its count, or null when the build did not work it out.
async function firstPage(form) {
  if (!headForms.has(form)) return null;
  try {
    const response = await fetch(`${config.base}search/head/${hexName(form)}.json`);
    if (!response.ok) return null;
    const head = await response.json();
    return { total: head.total, results: head.results.map(headResult) };
  } catch (error) {
    console.error(error);
    return null; // Pagefind answers instead
  }
}

// -- query -> search forms -----------------------------------------------------------------------

const cliticTables = new Map(); // shard key -> Promise of {word: proclitic letters to remove}
const cliticShards = new Set(data.cliticShards);
function cliticTable(word) {
  const key = shardKey(word);
  if (!cliticShards.has(key)) return Promise.resolve({});
  if (!cliticTables.has(key)) {
    cliticTables.set(key, fetch(`${config.base}search/clitics/${key}.json`)
      .then((response) => (response.ok ? response.json() : {}))
      .catch(() => ({})));
  }
  return cliticTables.get(key);
}

async function formOf(token) {
  const word = stripArticle(token);
  if (!mayHaveProclitic(word)) return { form: word, unknown: false };
  const table = await cliticTable(word);
  return { form: searchForm(token, table), unknown: !Object.hasOwn(table, word) };
}

// One search form per query word; `fallback` strips a leading proclitic letter from words the
// archive has no decision for (a word absent from the archive, like لبغداد when only بغداد occurs).
async function queryForms(query, fallback = false) {
  const forms = [];
  for (const token of tokens(query)) {
    let { form, unknown } = await formOf(token);
    if (fallback && unknown) ({ form } = await formOf(form.slice(1)));
    forms.push(form);
  }
  return forms;
}

// -- excerpts from the original text -----------------------------------------------------------

function originalWords(content) {
  const marker = content.lastIndexOf(FORMS_MARKER);
  const text = marker >= 0 ? content.slice(0, marker) : content;
  // Split exactly as Pagefind does, so its word locations index into this list (an empty word
  // the split leaves at the end is no word).
  const words = text.split(/[\r\n\s]+/g);
  while (words.length && !words[words.length - 1]) words.pop();
  return words;
}

function wordMatches(word, forms) {
  // A hamza seat is indexed both ways (generator/search_text.py), so it matches both ways here;
  // normalised first, as a presentation form (ﺆ) is the letter ؤ.
  const normal = word.normalize("NFKC");
  const spellings = /[ؤئ]/.test(normal) ? [normal, normal.replace(/ئ/g, "ؤ"), normal.replace(/ؤ/g, "ئ")] : [normal];
  for (const token of spellings.flatMap((w) => tokens(w))) {
    const word0 = stripArticle(token);
    const candidates = [word0];
    if (mayHaveProclitic(word0)) candidates.push(stripArticle(word0.slice(1)));
    if (candidates.some((c) => forms.some((f) => f && c.startsWith(f)))) return true;
  }
  return false;
}

// Where the body begins: Pagefind's content starts with the kicker and title, shown above already.
function bodyStart(words, title) {
  const titleWords = (title || "").split(/\s+/).filter(Boolean);
  if (!titleWords.length) return 0;
  const same = (a, b) => a.replace(/[.:،,]+$/u, "") === b.replace(/[.:،,]+$/u, "");
  for (let i = 0; i + titleWords.length <= Math.min(words.length, 40); i++) {
    if (titleWords.every((w, j) => same(words[i + j], w))) return i + titleWords.length;
  }
  return 0;
}

// An article repeats its words: each distinct word is matched once per query.
const matchMemo = new WeakMap(); // forms -> Map(word -> whether it matches)
function matches(word, forms) {
  let memo = matchMemo.get(forms);
  if (!memo) matchMemo.set(forms, (memo = new Map()));
  let hit = memo.get(word);
  if (hit === undefined) memo.set(word, (hit = wordMatches(word, forms)));
  return hit;
}

function excerpt(result, forms) {
  const words = originalWords(result.content || "");
  const skip = bodyStart(words, result.meta.title);
  const hits = new Set((result.locations || []).filter((l) => l >= skip && l < words.length));
  for (let i = skip; i < words.length; i++) if (matches(words[i], forms)) hits.add(i);
  let start = skip < words.length ? skip : 0;
  if (words.length > EXCERPT_WORDS && hits.size) {
    // The first window of EXCERPT_WORDS words with the most hits, slid one word at a time.
    const from = start;
    let count = 0;
    for (let i = from; i < from + EXCERPT_WORDS; i++) if (hits.has(i)) count++;
    let best = count;
    for (let i = from + 1; i + EXCERPT_WORDS <= words.length; i++) {
      count += (hits.has(i + EXCERPT_WORDS - 1) ? 1 : 0) - (hits.has(i - 1) ? 1 : 0);
      if (count > best) { best = count; start = i; }
    }
    // The earliest such window ends on its last hit; move it on to open a few words before its
    // first hit (it keeps every hit it had: none lies between its start and that first hit), but
    // not so far that it runs out of words before it is full.
    let first = Infinity;
    for (const h of hits) if (h >= start && h < first) first = h;
    start = Math.max(start, Math.min(first - 4, words.length - EXCERPT_WORDS));
  }
  const nodes = [];
  if (start > skip) nodes.push(document.createTextNode("… "));
  const end = Math.min(words.length, start + EXCERPT_WORDS);
  for (let i = start; i < end; i++) {
    if (!words[i]) continue;
    if (nodes.length && i > start) nodes.push(document.createTextNode(" "));
    if (hits.has(i)) {
      const mark = document.createElement("mark");
      mark.textContent = words[i];
      nodes.push(mark);
    } else {
      nodes.push(document.createTextNode(words[i]));
    }
  }
  if (end < words.length) nodes.push(document.createTextNode(" …"));
  return nodes;
}

// -- state in the URL -----------------------------------------------------------------------------

function readState() {
  const params = new URL(window.location.href).searchParams;
  const state = { q: (params.get("q") || "").trim(), sort: params.get("sort") || "", filters: {} };
  for (const name of FILTERS) {
    const value = params.get(name);
    if (value) state.filters[name] = value;
  }
  return state;
}

function formState() {
  const state = { q: input.value.trim(), sort: sortSelect.value, filters: {} };
  for (const select of filterSelects) if (select.value) state.filters[select.dataset.filter] = select.value;
  return state;
}

function stateUrl(state) {
  const url = new URL(window.location.href);
  url.search = "";
  if (state.q) url.searchParams.set("q", state.q);
  for (const name of FILTERS) if (state.filters[name]) url.searchParams.set(name, state.filters[name]);
  if (state.sort) url.searchParams.set("sort", state.sort);
  return url;
}

function showState(state) {
  input.value = state.q;
  sortSelect.value = [...sortSelect.options].some((o) => o.value === state.sort) ? state.sort : "";
  for (const select of filterSelects) {
    const value = state.filters[select.dataset.filter] || "";
    ensureOption(select, value);
    select.value = value;
  }
  labelEvent(state.filters.event);
}

// -- filters ------------------------------------------------------------------------------------

function filterLabel(name, value) {
  if (name === "source") return data.sources[value] || value;
  if (name === "event") return data.events[value] || value;
  if (name === "language") return config[`language${value[0].toUpperCase()}${value.slice(1)}`] || value;
  return value;
}

// An event outside the labelled ones (from a shared URL) takes its title from its own page.
// (Not from Pagefind metadata: Pagefind searches metadata values, so a title there would be found.)
async function labelEvent(eventId) {
  if (!eventId || Object.hasOwn(data.events, eventId)) return;
  try {
    const response = await fetch(`${config.events}${encodeURIComponent(eventId)}.html`);  // (an event is a file: render/urls.py)
    if (!response.ok) return;
    const page = new DOMParser().parseFromString(await response.text(), "text/html");
    const title = page.querySelector("h1")?.textContent.trim();
    if (!title) return;
    data.events[eventId] = title;
    const option = [...document.getElementById("filter-event").options].find((o) => o.value === eventId);
    if (option) option.textContent = title;
  } catch (error) {
    console.error(error);
  }
}

function ensureOption(select, value) {
  if (!value || [...select.options].some((o) => o.value === value)) return;
  const option = document.createElement("option");
  option.value = value;
  option.textContent = filterLabel(select.dataset.filter, value);
  select.append(option);
}

// The values of each filter and their counts come with the page (filterCounts), so that listing them
// loads nothing from the index; a filter's index files are loaded by the first search that uses it.
function fillFilters() {
  for (const select of filterSelects) {
    const name = select.dataset.filter;
    const counts = data.filterCounts[name] || {};
    let values = Object.keys(counts);
    if (name === "year") values.sort((a, b) => b.localeCompare(a));
    else if (name === "event") values = values.filter((v) => Object.hasOwn(data.events, v)).sort((a, b) => counts[b] - counts[a]);
    else values.sort((a, b) => filterLabel(name, a).localeCompare(filterLabel(name, b), lang));
    const current = select.value;
    select.replaceChildren(select.options[0]);
    for (const value of values) {
      const option = document.createElement("option");
      option.value = value;
      option.textContent = `${filterLabel(name, value)} (${counts[value]})`;
      select.append(option);
    }
    ensureOption(select, current);
    select.value = current;
    select.closest(".search-filter").hidden = values.length < 2 && !current;
  }
}

// -- searching ----------------------------------------------------------------------------------

// aria-busy while a search runs; data-state (idle, searching, done, error) for scripts and tests.
function setState(value) {
  list.setAttribute("aria-busy", value === "searching" ? "true" : "false");
  status.dataset.state = value;
}

function fill(template, values) {
  return template.replace(/\{(\w+)\}/g, (_, key) => values[key] ?? "");
}

function countText(key, count) {
  const forms = data.plurals[key];
  return fill(forms[plural.select(count)] ?? forms.other, { count: String(count) });
}

function interfaceUrl(url) {
  // Results are indexed from the default interface; show them in the reader's interface.
  const from = config.defaultArticlePrefix;
  return url.startsWith(from) ? config.articlePrefix + url.slice(from.length) : url;
}

function resultItem(result, forms) {
  const item = document.createElement("li");
  const articleLang = result.filters?.language?.[0] || "";
  const direction = articleLang === "ar" ? "rtl" : "ltr";
  const link = document.createElement("a");
  link.href = interfaceUrl(result.url);
  link.textContent = result.meta.title || result.url;
  link.className = "result-title";
  if (articleLang) { link.lang = articleLang; link.dir = direction; }
  const meta = document.createElement("p");
  meta.className = "result-meta";
  const source = document.createElement("bdi");
  const sourceId = result.filters?.source?.[0];
  source.textContent = sourceId ? filterLabel("source", sourceId) : "";
  const date = document.createElement("time");
  const day = /^d(\d{4})(\d{2})(\d{2})$/.exec(result.meta.day || "");
  if (day) {
    date.dateTime = `${day[1]}-${day[2]}-${day[3]}`;
    date.textContent = dateFormat.format(new Date(`${date.dateTime}T00:00:00Z`));
  } else {
    date.textContent = config.undated;
  }
  if (source.textContent) meta.append(source, document.createTextNode(" · "));
  meta.append(date);
  const text = document.createElement("p");
  text.className = "result-excerpt";
  if (articleLang) { text.lang = articleLang; text.dir = direction; }
  text.append(...excerpt(result, forms));
  item.append(link, meta, text);
  return item;
}

let latest = 0;
let current = null; // {search, forms, shown}

const totalOf = (state) => state.total ?? state.search.results.length;

async function showMore() {
  const ticket = latest;
  if (current.rest && current.shown >= current.search.results.length) {
    // Past a first page from the build: Pagefind's whole answer, the results shown first.
    const all = await current.rest();
    if (ticket !== latest) return;
    const shown = current.search.results.slice(0, current.shown);
    const ids = new Set(shown.map((r) => r.id));
    current.search.results = shown.concat(all.filter((r) => !ids.has(r.id)));
    current.total = current.search.results.length;
    current.rest = null;
  }
  const { search, forms } = current;
  const batch = search.results.slice(current.shown, current.shown + PAGE_SIZE);
  const results = await Promise.all(batch.map((r) => (r.data ? r.data() : r)));
  if (ticket !== latest) return;
  const firstNew = list.children.length;
  for (const result of results) list.append(resultItem(result, forms));
  current.shown += results.length;
  more.hidden = current.shown >= totalOf(current);
  return firstNew;
}

async function run(state, { push }) {
  const ticket = ++latest;
  const url = stateUrl(state);
  if (push && url.href !== window.location.href) history.pushState(null, "", url);
  list.replaceChildren();
  more.hidden = true;
  const filtered = Object.keys(state.filters).length > 0;
  if (!state.q && !filtered) { status.textContent = ""; setState("idle"); return; }
  setState("searching");
  status.textContent = config.loading;
  try {
    const options = { filters: state.filters };
    if (state.sort) options.sort = { date: state.sort === "oldest" ? "asc" : "desc" };
    let forms = state.q ? await queryForms(state.q) : [];
    if (state.q && !forms.length) { // only punctuation: nothing to look for
      if (ticket === latest) { status.textContent = fill(config.noResults, { query: state.q }); setState("done"); }
      return;
    }
    const ranked = async (query) => { // Pagefind's whole answer, in the page's order
      const { engine, parts } = await searchIndex();
      if (!engine) return { results: [], forms };
      let found = await engine.search(query, options);
      let used = forms;
      if (state.q && found.results.length === 0) {
        const retry = await queryForms(state.q, true);
        if (retry.join(" ") !== forms.join(" ")) {
          used = retry;
          found = await engine.search(retry.join(" "), options);
        }
      }
      let results = found.results;
      if (state.sort) results = orderByParts(parts, results, state.sort !== "oldest");
      else if (state.q && results.length) results = await rankAcrossParts(engine, parts, found, used, options);
      return { results, forms: used };
    };
    const head = state.q && !filtered && !state.sort && forms.length === 1 ? await firstPage(forms[0]) : null;
    let search, rest = null, total;
    if (head) {
      search = { results: head.results };
      total = head.total;
      rest = async () => (await ranked(forms[0])).results;
    } else {
      const answer = await ranked(state.q ? forms.join(" ") : null);
      forms = answer.forms;
      search = { results: answer.results };
      total = answer.results.length;
    }
    if (ticket !== latest) return;
    // Highlight the word under either seat of a hamza as well: an article may write it without one.
    const query = (state.q || "").normalize("NFKC");
    const seated = /[ؤئ]/.test(query) ? [query.replace(/ئ/g, "ؤ"), query.replace(/ؤ/g, "ئ")] : [];
    const highlighted = [...forms, ...(await Promise.all(seated.map((q) => queryForms(q)))).flat()];
    if (ticket !== latest) return;
    current = { search, forms: highlighted, shown: 0, total, rest };
    if (!total) {
      status.textContent = state.q ? fill(config.noResults, { query: state.q }) : countText("articles_count", 0);
      setState("done");
      return;
    }
    await showMore();
    if (ticket !== latest) return;
    let text = countText(state.q ? "search_results" : "articles_count", total);
    if (state.q) text += " " + fill(config.for, { query: state.q });
    if (total > current.shown) text += ". " + fill(config.showing, { shown: current.shown, total });
    status.textContent = text;
    setState("done");
  } catch (error) {
    if (ticket === latest) { status.textContent = config.error; setState("error"); }
    console.error(error);
  }
}

more.addEventListener("click", async () => {
  const firstNew = await showMore();
  const link = list.children[firstNew]?.querySelector("a");
  if (link) link.focus(); // keyboard users continue where the new results begin
  status.textContent = fill(config.showing, { shown: current.shown, total: totalOf(current) });
});

form.addEventListener("submit", (event) => {
  event.preventDefault();
  run(formState(), { push: true });
});
form.addEventListener("reset", (event) => {
  event.preventDefault();
  showState({ q: "", sort: "", filters: {} });
  run(formState(), { push: true });
  input.focus();
});
for (const select of [...filterSelects, sortSelect]) {
  select.addEventListener("change", () => run(formState(), { push: true }));
}
input.addEventListener("keydown", (event) => {
  if (event.key === "Escape" && input.value) { event.preventDefault(); input.value = ""; }
});
document.addEventListener("keydown", (event) => {
  const target = event.target;
  const typing = target instanceof HTMLInputElement || target instanceof HTMLSelectElement
    || target instanceof HTMLTextAreaElement || target.isContentEditable;
  if (event.key === "/" && !typing && !event.ctrlKey && !event.metaKey && !event.altKey) {
    event.preventDefault();
    input.focus();
    input.select();
  }
});
window.addEventListener("popstate", () => {
  const state = readState();
  showState(state);
  run(state, { push: false });
});

const initial = readState();
fillFilters();
showState(initial);
searchIndex().catch((error) => console.error(error)); // load the index while the reader types
if (initial.q || Object.keys(initial.filters).length) run(initial, { push: false });
form.dataset.ready = "true";
