// The query workbench: pick an example, edit, run against /sparql, show a table with links, download, share.
"use strict";
(function () {
  const root = document.querySelector(".workbench");
  const base = root.dataset.base;
  const examples = JSON.parse(document.getElementById("examples-data").textContent);
  const query = document.getElementById("query");
  const status = document.getElementById("status");
  const results = document.getElementById("results");
  const share = document.getElementById("share");
  const downloads = document.getElementById("downloads");
  const links = document.getElementById("download-links");

  function term(type, value) {
    if (type === "iri") return "<" + value + ">";
    if (type === "integer" || type === "boolean") return String(value);
    if (type === "date") return JSON.stringify(String(value)) + "^^<http://www.w3.org/2001/XMLSchema#date>";
    return JSON.stringify(String(value));
  }

  // An example's parameters get its example values, bound by a VALUES block at the top of its WHERE group.
  function withExamples(example) {
    if (!example.params.length) return example.text;
    const values = example.params.map((p) => "  VALUES ?" + p.name + " { " + term(p.type, p.example) + " }").join("\n");
    return example.text.replace(/WHERE\s*\{/, (m) => m + "\n" + values);
  }

  function isGraphQuery(text) {
    const body = text.replace(/#[^\n]*/g, "").replace(/(PREFIX|BASE)\s+[^>]*>/gi, "");
    return /^\s*(CONSTRUCT|DESCRIBE)/i.test(body);
  }

  function shareUrl() {
    return location.pathname + "?query=" + encodeURIComponent(query.value);
  }

  function localHref(iri) {
    return iri.startsWith(base) ? "/" + iri.slice(base.length) : iri;
  }

  function cell(binding) {
    const td = document.createElement("td");
    if (!binding) return td;
    if (binding.type === "uri") {
      const a = document.createElement("a");
      a.href = localHref(binding.value);
      a.textContent = binding.value;
      td.appendChild(a);
    } else {
      td.textContent = binding.value;
      if (binding["xml:lang"]) td.title = "@" + binding["xml:lang"];
      else if (binding.datatype) td.title = binding.datatype;
    }
    return td;
  }

  function showDownloads(graph) {
    const formats = graph ? ["turtle", "jsonld", "ntriples", "rdfxml"] : ["json", "xml", "csv", "tsv"];
    links.replaceChildren(...formats.map((f) => {
      const a = document.createElement("a");
      a.href = "/sparql?query=" + encodeURIComponent(query.value) + "&format=" + f;
      a.textContent = f;
      a.setAttribute("download", "results." + f);
      a.style.marginRight = "0.6rem";
      return a;
    }));
    downloads.hidden = false;
  }

  async function run() {
    const text = query.value;
    history.replaceState(null, "", shareUrl());
    share.href = shareUrl();
    status.className = "";
    status.textContent = "running…";
    results.replaceChildren();
    const graph = isGraphQuery(text);
    const started = performance.now();
    let response;
    try {
      response = await fetch("/sparql", {
        method: "POST",
        headers: {"Content-Type": "application/x-www-form-urlencoded",
                  "Accept": graph ? "text/turtle" : "application/sparql-results+json"},
        body: "query=" + encodeURIComponent(text),
      });
    } catch (error) {
      status.className = "error";
      status.textContent = "the server did not answer: " + error;
      return;
    }
    const ms = Math.round(performance.now() - started);
    if (!response.ok) {
      status.className = "error";
      status.textContent = await response.text();
      downloads.hidden = true;
      return;
    }
    showDownloads(graph);
    if (graph) {
      const pre = document.createElement("pre");
      pre.textContent = await response.text();
      results.appendChild(pre);
      status.textContent = "done in " + ms + " ms";
      return;
    }
    const data = await response.json();
    if ("boolean" in data) {
      status.textContent = "answer: " + data.boolean + " (" + ms + " ms)";
      return;
    }
    const vars = data.head.vars;
    const table = document.createElement("table");
    table.className = "results";
    const head = table.createTHead().insertRow();
    for (const v of vars) {
      const th = document.createElement("th");
      th.textContent = v;
      head.appendChild(th);
    }
    const body = table.createTBody();
    for (const row of data.results.bindings) {
      const tr = body.insertRow();
      for (const v of vars) tr.appendChild(cell(row[v]));
    }
    results.appendChild(table);
    const truncated = response.headers.get("X-Result-Truncated") === "true" ? " (cut at the row limit)" : "";
    status.textContent = data.results.bindings.length + " rows in " + ms + " ms" + truncated;
  }

  document.getElementById("example").addEventListener("change", (event) => {
    const example = examples.find((e) => e.name === event.target.value);
    if (example) {
      query.value = withExamples(example);
      share.href = shareUrl();
    }
  });
  document.getElementById("run").addEventListener("click", run);
  query.addEventListener("keydown", (event) => {
    if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) run();
  });

  const params = new URLSearchParams(location.search);
  if (params.get("example")) {
    const example = examples.find((e) => e.name === params.get("example"));
    if (example) query.value = withExamples(example);
  }
  if (params.get("query")) query.value = params.get("query");
  share.href = shareUrl();
  if (params.get("query") || params.get("example")) run();
})();
