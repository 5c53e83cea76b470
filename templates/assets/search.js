// Search page: queries the Pagefind index of this site (nothing is loaded from elsewhere).
// The query lives in the URL (?q=), so a search can be shared and the back button works.
const config = document.getElementById("search-config").dataset;
const form = document.querySelector(".search-form");
const input = document.getElementById("search-input");
const status = document.getElementById("search-status");
const list = document.getElementById("search-results");

let pagefindModule = null;
async function pagefind() {
  if (!pagefindModule) {
    pagefindModule = await import(config.pagefind + "pagefind.js");
    await pagefindModule.options({ baseUrl: config.base });
    pagefindModule.init();
  }
  return pagefindModule;
}

// Results are indexed from the default interface; show them in the reader's interface.
function interfaceUrl(url) {
  const from = config.defaultArticlePrefix;
  return url.startsWith(from) ? config.articlePrefix + url.slice(from.length) : url;
}

// Pagefind excerpts are HTML with <mark> around matches; keep only text and <mark>, so no markup
// from an article can ever reach the page.
function excerptNodes(html) {
  const doc = new DOMParser().parseFromString(`<p>${html}</p>`, "text/html");
  const out = [];
  for (const node of doc.body.firstChild.childNodes) {
    if (node.nodeType === Node.ELEMENT_NODE && node.tagName === "MARK") {
      const mark = document.createElement("mark");
      mark.textContent = node.textContent;
      out.push(mark);
    } else {
      out.push(document.createTextNode(node.textContent));
    }
  }
  return out;
}

function fill(template, values) {
  return template.replace(/\{(\w+)\}/g, (_, key) => values[key] ?? "");
}

let latest = 0;
async function run(query, { push }) {
  const ticket = ++latest;
  const url = new URL(window.location.href);
  if (query) url.searchParams.set("q", query); else url.searchParams.delete("q");
  if (push && url.href !== window.location.href) history.pushState({ q: query }, "", url);
  list.replaceChildren();
  if (!query) { status.textContent = ""; return; }
  status.textContent = config.loading;
  try {
    const engine = await pagefind();
    const search = await engine.search(query);
    const data = await Promise.all(search.results.slice(0, 30).map((r) => r.data()));
    if (ticket !== latest) return;
    status.textContent = data.length
      ? fill(config.resultCount, { count: search.results.length })
      : fill(config.noResults, { query });
    for (const result of data) {
      const item = document.createElement("li");
      const link = document.createElement("a");
      link.href = interfaceUrl(result.url);
      link.textContent = result.meta.title || result.url;
      link.className = "result-title";
      const lang = result.meta.lang || "";
      if (lang) { link.lang = lang; link.dir = lang === "ar" ? "rtl" : "ltr"; }
      const excerpt = document.createElement("p");
      excerpt.className = "result-excerpt";
      if (lang) { excerpt.lang = lang; excerpt.dir = lang === "ar" ? "rtl" : "ltr"; }
      excerpt.append(...excerptNodes(result.excerpt));
      item.append(link, excerpt);
      list.append(item);
    }
  } catch (error) {
    status.textContent = config.error;
    console.error(error);
  }
}

form.addEventListener("submit", (event) => {
  event.preventDefault();
  run(input.value.trim(), { push: true });
});
window.addEventListener("popstate", () => {
  input.value = new URL(window.location.href).searchParams.get("q") || "";
  run(input.value.trim(), { push: false });
});
input.value = new URL(window.location.href).searchParams.get("q") || "";
if (input.value) run(input.value.trim(), { push: false });
