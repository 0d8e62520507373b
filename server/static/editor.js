// The query editor (/editor): YASGUI set up for this dataset. No inline script: the page's data is a JSON block.
// Nothing runs on load, not even a shared link's query: the user presses the run button.
"use strict";
(function () {
  var setup = JSON.parse(document.getElementById("editor-setup").textContent);
  var root = document.getElementById("yasgui");
  if (typeof Yasgui === "undefined") {
    return; // the page says the files are not installed
  }
  var endpoint = new URL(setup.endpoint, window.location.href).href;
  var base = setup.base;

  function prologue() {
    return Object.keys(setup.prefixes).filter(function (p) { return ["ukg", "rdfs", "skos", "dcterms", "schema"].indexOf(p) >= 0; })
      .map(function (p) { return "PREFIX " + p + ": <" + setup.prefixes[p] + ">"; }).join("\n");
  }

  // A shared link's query (?query=… or #query=…, as YASGUI's share button writes it) fills the editor; it is not run.
  function sharedQuery() {
    var found = null;
    [window.location.search.slice(1), window.location.hash.slice(1)].forEach(function (part) {
      var value = new URLSearchParams(part).get("query");
      if (value) { found = value; }
    });
    return found;
  }

  var start = sharedQuery() || prologue() + "\n\nSELECT ?class (COUNT(?s) AS ?members) WHERE { ?s a ?class }\nGROUP BY ?class ORDER BY DESC(?members)\n";
  Yasgui.Yasr.defaults.prefixes = setup.prefixes;
  var yasgui = new Yasgui(root, {
    requestConfig: { endpoint: endpoint, method: "POST" },
    endpointCatalogueOptions: { getData: function () { return [{ endpoint: endpoint }]; } },
    copyEndpointOnNewTab: true,
    populateFromUrl: false,
    persistenceId: null,
    autofocus: false,
    yasqe: { value: start, autocompleters: ["variables", "prefixes"], editorHeight: "320px" },
    yasr: { prefixes: setup.prefixes, defaultPlugin: "table" }
  });
  var tab = yasgui.getTab();
  if (tab && tab.getYasqe().getValue() !== start) {
    tab.setQuery(start);
  }

  document.getElementById("example").addEventListener("change", function (event) {
    var chosen = setup.examples.filter(function (e) { return e.name === event.target.value; })[0];
    if (!chosen) { return; }
    var opened = yasgui.addTab(true, { name: chosen.summary, yasqe: { value: chosen.text } });
    opened.setQuery(chosen.text);
    event.target.value = "";
  });

  // Links in results: an IRI of the dataset goes to its page here; an IRI that is not http(s) is never a link.
  var UNSAFE = /^\s*(javascript|data|vbscript|file|blob):/i;
  function fix(anchor) {
    var href = anchor.getAttribute("href");
    if (href === null) { return; }
    var inResults = anchor.closest(".yasr_results, .dataTable, td") !== null;
    if (UNSAFE.test(href) || (inResults && !/^(https?:\/\/|\/(?!\/))/i.test(href))) {
      var text = document.createElement("span");
      text.className = "iri-not-linked";
      text.textContent = anchor.textContent;
      anchor.replaceWith(text);
      return;
    }
    if (inResults && href.indexOf(base) === 0) {
      anchor.setAttribute("href", "/" + href.slice(base.length));
      anchor.removeAttribute("target");
      anchor.setAttribute("title", href);
    }
  }
  // YASGUI's markup, made to pass WCAG 2.1 A/AA (axe-core): names for its fields; its tab strip holds an
  // "add tab" button, which a tablist may not, so the tabs are plain links.
  function accessible(node) {
    node.querySelectorAll(".CodeMirror textarea").forEach(function (t) { t.setAttribute("aria-label", "SPARQL query"); });
    node.querySelectorAll("input.autocomplete").forEach(function (i) { i.setAttribute("aria-label", "SPARQL endpoint"); });
    node.querySelectorAll(".tab input[type=text]").forEach(function (i) { i.setAttribute("aria-label", "Tab name"); });
    node.querySelectorAll("[role=tablist]").forEach(function (l) { l.removeAttribute("role"); });
    node.querySelectorAll("a[role=tab]").forEach(function (a) {
      ["role", "aria-selected", "aria-controls"].forEach(function (name) { a.removeAttribute(name); });
    });
  }
  function sweep(node) {
    if (node.nodeType !== 1) { return; }
    if (node.tagName === "A") { fix(node); }
    node.querySelectorAll("a[href]").forEach(fix);
    accessible(node.parentNode || node);
  }
  new MutationObserver(function (changes) {
    changes.forEach(function (change) {
      if (change.type === "attributes") { fix(change.target); } else { change.addedNodes.forEach(sweep); }
    });
  }).observe(root, { childList: true, subtree: true, attributes: true, attributeFilter: ["href"] });
  sweep(root);
})();
