"""/queries and /queries/<name> for people: the library styled like the site, a form per query, answers as tables.

A browser (text/html in Accept, at least as wanted as the machine formats; no `format=`) gets pages:
the listing, and each query's page with its description, a form for its parameters (a list of the
allowed values where the data has a closed set: chapters I-VII, rounds, documents; suggestions for
actors and subjects) and, once its required parameters are given, the answer as a table whose IRIs
are named (server.pages.names) and linked to their pages. An empty answer says so, and why when a
value is not one the data knows. Everything else (JSON, CSV…) is server.library.api's, unchanged.
"""
from __future__ import annotations

import pyoxigraph as ox
from flask import current_app, render_template

from server.backends import Limits, QueryJob
from server.config import Config
from server.library.catalog import Query
from server.pages import queries as pages_queries
from server.pages.names import roman, shorten
from server.pages.terms import Labels, Links, Value, value

UKG = "https://w3id.org/ungass-kg/ont#"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
ROWS_SHOWN = 1000
# The resources a parameter names, by the classes of its values (a closed set is a <select>, else suggestions).
CHOICES = {
    "round": ({UKG + "ThematicRound"}, True), "document": (None, True),
    "actor": ({"http://www.w3.org/ns/org#FormalOrganization", "http://www.w3.org/ns/org#OrganizationalUnit",
               "http://www.w3.org/ns/prov#Organization", "http://www.w3.org/ns/prov#Person",
               "http://xmlns.com/foaf/0.1/Person", "https://schema.org/NGO"}, False),
    "subject": ({UKG + "Measure", UKG + "Theme", UKG + "Substance", UKG + "Programme"}, False),
}
ROMAN = ("I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII")


def chapter_number(value: str) -> str:
    """A chapter as the library's queries want it: "3" or "iii" -> "III" (the summary writes Roman numerals)."""
    text = value.strip()
    if text.isdigit() and 1 <= int(text) <= len(ROMAN):
        return ROMAN[int(text) - 1]
    return text.upper() if roman(text) is not None else text


def _choices(name: str, labels: Labels) -> tuple[list[tuple[str, str]], bool]:
    """(value, name) pairs offered for parameter `name`, and whether they are the only values that make sense."""
    names = labels.names
    if name == "chapter":
        chapters = [iri for iri, facts in names.facts.items()
                    if any(t.value == UKG + "OutcomeChapter" for t in facts.values.get(RDF_TYPE, ()))]
        return [(names.short(c).removeprefix("Chapter "), shorten(labels(c), 80))
                for c in sorted(chapters, key=names.sort_key)], True
    if name not in CHOICES:
        return [], False
    classes, closed = CHOICES[name]
    if classes is None:  # documents: of every sub-class of ukg:Document
        found = {r.item.value for r in pages_queries.rows("members", **{"class": ox.NamedNode(UKG + "Document")})}
    else:
        found = {iri for iri, facts in names.facts.items()
                 if {t.value for t in facts.values.get(RDF_TYPE, ())} & classes}
    return [(iri, str(labels(iri))) for iri in sorted(found, key=names.sort_key)], closed


def listing(queries) -> str:
    return render_template("queries.html", title="Query library", queries=list(queries))


def page(query: Query, given: dict[str, str], bindings: dict[str, ox.Term] | None) -> str:
    """The query's page; with `bindings` (its parameters, all required ones given), the answer too."""
    labels = Labels(Links())
    params = []
    for p in query.params:
        choices, closed = _choices(p.name, labels)
        params.append({"name": p.name, "type": p.type, "required": p.required, "description": p.description,
                       "example": p.example, "value": given.get(p.name, ""), "choices": choices, "closed": closed})
    answer = _answer(query, bindings, labels) if bindings is not None else None
    why = ""
    if answer is not None and not answer["rows"]:
        unknown = [f"{p['name']}={p['value']!r} is not one of the values the data has "
                   f"({', '.join(v for v, _ in p['choices'][:12])}{'…' if len(p['choices']) > 12 else ''})"
                   for p in params if p["closed"] and p["value"] and p["value"] not in {v for v, _ in p["choices"]}]
        why = "; ".join(unknown) or "the graph holds nothing that matches these parameters"
    return render_template("query.html", title=query.summary, query=query, params=params, answer=answer, why=why)


def _answer(query: Query, bindings: dict[str, ox.Term], labels: Labels) -> dict:
    config: Config = current_app.config["SERVER"]
    job = QueryJob(text=query.text, kind=query.kind, media_type="application/sparql-results+json",
                   prefixes=query.prefixes, substitutions=tuple(bindings.items()))
    result = current_app.extensions["backend"].query(job, Limits(config.time_limit, config.row_limit))
    try:
        body = b"".join(result)
    finally:
        result.close()
    parsed = ox.parse_query_results(body, format=ox.QueryResultsFormat.JSON)
    if isinstance(parsed, bool):
        return {"variables": ["answer"], "rows": [[Value("yes" if parsed else "no")]], "more": 0, "boolean": True}
    variables = [v.value for v in parsed.variables]
    rows, more = [], 0
    for solution in parsed:
        if len(rows) >= ROWS_SHOWN:
            more += 1
            continue
        rows.append([_cell(solution[v], labels) for v in variables])
    return {"variables": variables, "rows": rows, "more": more, "boolean": False}


def _cell(term, labels: Labels) -> Value | None:
    if term is None:
        return None
    shown = value(term, labels)
    if isinstance(term, ox.Literal) and shown.note and not term.language:
        shown.note = ""  # a typed number or date reads as itself in a table
    return shown
