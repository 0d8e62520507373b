"""SPARQL-based constraints (https://www.w3.org/TR/shacl/#sparql-constraints), for all focus nodes at once.

SHACL pre-binds $this to one focus node per query run; pyshacl does exactly that, one rdflib
query per focus node. Here the focus nodes are joined in instead: the group that binds ?this is
inserted first in the query's WHERE clause, and one query returns the violations of every focus
node. That gives the same solutions whenever $this is bound before anything reads it, which a
small scanner checks (FILTER and BIND only in the top group, or directly in an OPTIONAL of it, or
inside an EXISTS placed there; no subquery, aggregate, LIMIT or OFFSET). A query that fails the
check is run the slow, exact way: once per focus node with $this substituted (pyoxigraph's
`substitutions`, SEP-0007). Queries SHACL forbids (MINUS, VALUES, SERVICE, AS $this) are refused.

Results follow pyshacl's reading of each solution: a result when ?this, ?path, ?value or ?failure
is bound; duplicates dropped; sh:value is ?value, else the focus node on a node shape; messages
get {?var} and {$var} replaced with the lexical form of each binding.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

import pyoxigraph as ox

from loader.shacl.rewrite import FUNCTIONS, anti_joins, comparisons, reorder_exists, tokenize
from loader.shacl.shapes import Path, Shape, SparqlConstraint, UnsupportedShape, show

FORBIDDEN = {"MINUS", "VALUES", "SERVICE"}  # SHACL 5.3.1
AGGREGATES = {"COUNT", "SUM", "MIN", "MAX", "AVG", "SAMPLE", "GROUP_CONCAT"}
PATH_VAR = re.compile(r"([\s{}()])[$?]PATH\b")
RESULT_VARS = ("this", "path", "value")


@dataclass
class Frame:
    kind: str
    filters_safe: bool = False  # a FILTER directly here sees $this bound
    binds_safe: bool = False
    all_safe: bool = False  # inside an EXISTS whose $this is substituted
    poisoned: bool = False  # inside an EXISTS evaluated where $this may be unbound
    expr: str | None = None  # "FILTER" or "BIND" while inside its expression
    expr_depth: int = 0
    parens: int = 0


@dataclass
class Prepared:
    constraint: SparqlConstraint
    text: str  # the query, with its prefixes, as pyshacl runs it once per focus node
    template: str | None  # the set-at-a-time query, FOCUS standing for the focus group; None: run per focus node
    projected: set[str] | None  # the variables the constraint projects (None: SELECT *)

    def set_at_a_time(self, focus: str) -> str:
        return self.template.replace(FOCUS, focus)


FOCUS = "\x00focus\x00"


def prepare(constraint: SparqlConstraint, shape: Shape) -> Prepared:
    text = constraint.select
    if PATH_VAR.search(text):
        if shape.path is None:
            raise UnsupportedShape(f"{show(constraint.node)} uses $PATH but {show(shape.node)} has no sh:path")
        text = PATH_VAR.sub(lambda m: m.group(1) + shape.path.sparql(), text)
    header = "".join(f"PREFIX {p}: <{ns}>\n" for p, ns in constraint.prefixes.items())
    text = header + "\n" + comparisons(reorder_exists(text))
    where = show(constraint.node)
    safe, insert_at, projection_at, projected = _analyse(where, text)
    template = None
    if safe:
        joined = anti_joins(text)
        _, insert_at, projection_at, _ = _analyse(where, joined, minus_allowed=True)
        template = joined[:insert_at] + f" {FOCUS} " + joined[insert_at:]
        if projection_at is not None:
            template = template[:projection_at] + " ?this" + template[projection_at:]
    return Prepared(constraint, text, template, projected)


def _analyse(where: str, text: str, minus_allowed: bool = False):
    """(safe for set-at-a-time, where the focus group goes, where ?this joins the projection, projection)."""
    tokens = tokenize(text)
    frames: list[Frame] = []
    safe, insert_at, top_closed, pending = True, None, False, None
    select_at, parens0 = None, 0
    projected: set[str] | None = set()
    for i, (kind, value, start, end) in enumerate(tokens):
        word = value.upper() if kind == "word" else None
        prev = tokens[i - 1][1].upper() if i else ""
        if word in FORBIDDEN and not (minus_allowed and word == "MINUS"):
            raise UnsupportedShape(f"{where}: a SPARQL constraint must not use {word}")
        if word == "AS" and i + 1 < len(tokens) and tokens[i + 1][1][1:] in ("this", "value", "PATH"):
            raise UnsupportedShape(f"{where}: a SPARQL constraint must not bind {tokens[i + 1][1]} with AS")
        if word in ("SHAPESGRAPH", "CURRENTSHAPE") or value[1:] in ("shapesGraph", "currentShape"):
            raise UnsupportedShape(f"{where}: $shapesGraph and $currentShape are not supported")
        if word == "SELECT":
            if frames or top_closed:
                safe = False  # a subquery: $this inside it is not joined from outside
            elif select_at is None:
                select_at = end
        elif word in ("DISTINCT", "REDUCED") and prev == "SELECT" and not frames:
            select_at = end
        elif word in AGGREGATES and not frames:
            safe = False
        elif word in ("GROUP", "HAVING", "LIMIT", "OFFSET") and top_closed:
            safe = False
        if not frames and not top_closed and select_at is not None and insert_at is None:
            if value == "*" and parens0 == 0:
                projected = None
            elif kind == "var" and projected is not None and (parens0 == 0 or prev == "AS"):
                projected.add(value[1:])
        if value == "(" and not frames:
            parens0 += 1
        elif value == ")" and not frames:
            parens0 -= 1
        if value == "{":
            parent = frames[-1] if frames else None
            if parent is None:
                if top_closed or parens0:
                    raise UnsupportedShape(f"{where}: cannot find the WHERE clause of the SPARQL constraint")
                frames.append(Frame("top", filters_safe=True, binds_safe=True))
                insert_at = end
                continue
            frame = Frame({"OPTIONAL": "optional", "EXISTS": "exists"}.get(prev, "group"))
            frame.all_safe = parent.all_safe
            frame.poisoned = parent.poisoned
            if frame.kind == "exists" and not parent.all_safe:
                in_expr = parent.expr or (pending and pending[1] is parent and pending[0])
                frame.all_safe = bool(parent.filters_safe if in_expr != "BIND" else parent.binds_safe)
                frame.poisoned = frame.poisoned or not frame.all_safe
            if frame.kind == "optional" and parent.kind == "top":
                frame.filters_safe = True
            pending = None
            frames.append(frame)
            continue
        if value == "}":
            if not frames:
                raise UnsupportedShape(f"{where}: unbalanced braces in the SPARQL constraint")
            frames.pop()
            top_closed = top_closed or not frames
            continue
        if not frames:
            continue
        frame = frames[-1]
        if word in ("FILTER", "BIND"):
            pending = (word, frame)
        elif value == "(":
            frame.parens += 1
            if pending and pending[1] is frame and frame.expr is None:
                frame.expr, frame.expr_depth, pending = pending[0], frame.parens, None
        elif value == ")":
            if frame.expr and frame.parens == frame.expr_depth:
                frame.expr = None
            frame.parens -= 1
        elif kind == "var" and value[1:] == "this":
            if frame.all_safe:
                continue
            if frame.poisoned:
                safe = False
            elif frame.expr == "FILTER" and not frame.filters_safe:
                safe = False
            elif frame.expr == "BIND" and not frame.binds_safe:
                safe = False
    if insert_at is None or frames:
        raise UnsupportedShape(f"{where}: cannot find the WHERE clause of the SPARQL constraint")
    this_projected = projected is None or "this" in projected
    return safe, insert_at, None if this_projected or select_at is None else select_at, projected


@dataclass(frozen=True)
class Hit:
    """One violation a SPARQL constraint reports, read as pyshacl reads a solution."""

    focus: object
    path: Path | None
    value: object
    bindings: tuple


def hits(prepared: Prepared, store: ox.Store, focus: str, shape: Shape) -> list[Hit]:
    """Every violation of one SPARQL constraint, for all the focus nodes that `focus` binds."""
    rows: dict = {}
    if prepared.template is not None:
        results = store.query(prepared.set_at_a_time(focus), custom_functions=FUNCTIONS)
        names = [v.value for v in results.variables]
        for row in results:
            f = row["this"]
            rows.setdefault(f, []).append(_bindings(row, names, prepared.projected))
    else:
        variable = ox.Variable("this")
        for r in store.query(f"SELECT ?this WHERE {{ {focus} }}"):
            f = r["this"]
            results = store.query(prepared.text, substitutions={variable: f}, custom_functions=FUNCTIONS)
            names = [v.value for v in results.variables]
            rows[f] = [_bindings(row, names, prepared.projected) for row in results]
    out: list[Hit] = []
    for f, solutions in rows.items():
        out += _violations(f, solutions, shape)
    return out


def _bindings(row, names: list[str], projected: set[str] | None) -> dict:
    return {n: row[n] for n in names if row[n] is not None and (projected is None or n in projected)}


def _violations(f, solutions: list[dict], shape: Shape) -> list[Hit]:
    seen, out, failed = set(), [], False
    node_value = f if shape.path is None else None
    for d in solutions:
        d = dict(d)
        if d.pop("failure", None) is not None:
            if not failed:
                failed = True
                out.append(Hit(f, shape.path, node_value, tuple(d.items())))
            continue
        p, v, t = d.pop("path", None), d.pop("value", None), d.pop("this", None)
        if p is None and v is None and t is None:
            continue
        key = (t, p, v, tuple(sorted(d.items(), key=lambda kv: kv[0])))
        if key in seen:
            continue
        seen.add(key)
        bound = dict(d)
        bound.update({k: x for k, x in zip(RESULT_VARS, (t, p, v)) if x is not None})
        path = shape.path if p is None else (Path("iri", iri=p, node=p) if isinstance(p, ox.NamedNode)
                                              else Path("term", iri=p, node=p))
        out.append(Hit(t or f, path, v if v is not None else node_value, tuple(bound.items())))
    return out


def message(template: str, bindings: tuple) -> str:
    """pyshacl's substitution of {?var} and {$var} (re.sub, in the order of the bindings)."""
    for name, term in bindings:
        template = re.sub("{[?$]" + name + "}", term.value if hasattr(term, "value") else str(term), template)
    return template
