"""SHACL Core constraints as SPARQL boolean expressions (https://www.w3.org/TR/shacl/#core-components).

`value_ok(constraint, var)` is true when one value node satisfies a constraint that judges value
nodes one by one; `conforms(shape, var)` is true when a node conforms to a whole shape, which is
what sh:or, sh:and, sh:xone, sh:not, sh:node and sh:qualifiedValueShape ask of their shapes.
Both never evaluate to a SPARQL error (errors are caught with COALESCE), so that `!` is safe.
Where SHACL leaves room, the reading is pyshacl's: sh:pattern matches from the start of the
string (Python's re.match), sh:languageIn compares the first subtag, a literal is never an
instance of a class, blank nodes fail sh:pattern and sh:minLength > 0.
"""
from __future__ import annotations

import re

import pyoxigraph as ox

from loader.shacl.datatypes import Datatypes, sparql_string
from loader.shacl.shapes import RDF, RDFS, SH, Constraint, Shape, UnsupportedShape, show

TYPE, SUBCLASS, RESOURCE = f"<{RDF}type>", f"<{RDFS}subClassOf>", f"<{RDFS}Resource>"
WARNING_OR_INFO = {SH + "Warning", SH + "Info"}
NODE_KINDS = {"IRI": "isIRI({v})", "BlankNode": "isBlank({v})", "Literal": "isLiteral({v})",
              "BlankNodeOrIRI": "(isIRI({v}) || isBlank({v}))", "BlankNodeOrLiteral": "(isBlank({v}) || isLiteral({v}))",
              "IRIOrLiteral": "(isIRI({v}) || isLiteral({v}))"}
COMPARISONS = {"minInclusive": ">=", "maxInclusive": "<=", "minExclusive": ">", "maxExclusive": "<"}
MAX_NESTED_COUNT = 4  # sh:minCount/sh:maxCount inside nested shapes are expanded into that many variables
LOOKAROUND = re.compile(r"\(\?<?[=!]|\\[1-9]|\(\?P=")


def python_regex_for_sparql(pattern: str, flags: str) -> str:
    """A pattern for SPARQL REGEX that matches where Python's re.match does (pyshacl's test).

    re.match anchors at the start; Python's `$` (without the m flag) also matches before a final
    newline, which oxigraph's Rust regex engine spells as an optional newline before `\\z`.
    """
    if LOOKAROUND.search(pattern):
        raise UnsupportedShape(f"sh:pattern {pattern!r}: look-around and back-references are not supported")
    out, i, in_class, class_start = [], 0, False, False
    while i < len(pattern):
        ch = pattern[i]
        if ch == "\\" and i + 1 < len(pattern):
            pair = pattern[i:i + 2]
            out.append("\\z" if pair == "\\Z" and not in_class else pair)
            i += 2
            class_start = False
            continue
        if in_class:
            in_class = ch != "]" or class_start  # a "]" first in a class is a literal one
            class_start = False
        elif ch == "[":
            in_class = class_start = True
            if pattern[i + 1:i + 2] == "^":
                ch, i = "[^", i + 1
        elif ch == "$" and "m" not in flags:
            ch = "(?:\\n?\\z)"
        out.append(ch)
        i += 1
    return "\\A(?:" + "".join(out) + ")"  # re.match tries the start only, even with the m flag


class Compiler:
    """Compiles constraints against one store: it knows the store's class hierarchy and literals."""

    def __init__(self, store: ox.Store, datatypes: dict, allow_warnings: bool = True):
        self.store = store
        self.datatypes = Datatypes(store, datatypes)
        self.allow_warnings = allow_warnings
        self._subclasses: dict[str, list[str]] = {}
        self._n = 0

    def var(self, stem: str) -> str:
        self._n += 1
        return f"?_{stem}{self._n}"

    def subclasses(self, cls: ox.NamedNode) -> list[str]:
        """The class and all its rdfs:subClassOf descendants in the data, as SPARQL terms."""
        if cls.value not in self._subclasses:
            rows = self.store.query(f"SELECT DISTINCT ?c WHERE {{ ?c {SUBCLASS}* {cls} }}")
            found = {str(r["c"]) for r in rows if isinstance(r["c"], ox.NamedNode)} | {str(cls)}
            self._subclasses[cls.value] = sorted(found)
        return self._subclasses[cls.value]

    def instance_of(self, v: str, cls: ox.NamedNode) -> str:
        t = self.var("t")
        return f"EXISTS {{ {v} {TYPE} {t} . FILTER({t} IN ({', '.join(self.subclasses(cls))})) }}"

    def value_ok(self, c: Constraint, v: str, stack: tuple = ()) -> str | None:
        """True when value node `v` satisfies `c`; None when `c` is not judged one value at a time."""
        p, value = c.parameter, c.value
        if p == "class":
            return self.instance_of(v, value)
        if p == "datatype":
            return self.datatypes.condition(value.value, v)
        if p == "nodeKind":
            return NODE_KINDS[value.value[len(SH):]].format(v=v)
        if p == "pattern":
            literal, flags = value
            flags = "".join(f for f in "im" if f in flags.lower())  # pyshacl honours only i and m
            regex = sparql_string(python_regex_for_sparql(literal.value, flags))
            self._check_regex(regex, flags, literal)
            return f"COALESCE(!isBlank({v}) && REGEX(STR({v}), {regex}, {sparql_string(flags)}), false)"
        if p == "in":
            return "(" + " || ".join(f"sameTerm({v}, {t})" for t in value) + ")" if value else "false"
        if p == "minLength":
            return "true" if value == 0 else f"COALESCE(!isBlank({v}) && STRLEN(STR({v})) >= {value}, false)"
        if p == "maxLength":
            return f"COALESCE(!isBlank({v}) && STRLEN(STR({v})) <= {value}, false)"
        if p in COMPARISONS:
            return f"COALESCE(isLiteral({v}) && {v} {COMPARISONS[p]} {value}, false)"
        if p == "languageIn":
            if "*" in value:
                return f"COALESCE(LANG({v}) != \"\", false)"
            tags = ", ".join(sparql_string(t) for t in value)
            return (f"COALESCE(LANG({v}) != \"\" && (LCASE(LANG({v})) IN ({tags}) || "
                    f"LCASE(STRBEFORE(LANG({v}), \"-\")) IN ({tags})), false)")
        if p == "node":
            return self.conforms(value, v, stack)
        if p == "not":
            return f"(!{self.conforms(value, v, stack)})"
        if p in ("and", "or"):
            parts = [self.conforms(s, v, stack) for s in value]
            return "(" + (" && " if p == "and" else " || ").join(parts) + ")" if parts else ("true" if p == "and" else "false")
        if p == "xone":
            return "(" + " + ".join(f"IF({self.conforms(s, v, stack)}, 1, 0)" for s in value) + " = 1)" if value else "false"
        return None

    def _check_regex(self, regex: str, flags: str, literal) -> None:
        """oxigraph turns an invalid regular expression into a silent `false`: refuse it up front."""
        row = next(iter(self.store.query(f"SELECT (COALESCE(REGEX(\"\", {regex}, {sparql_string(flags)}), \"bad\") AS ?r) WHERE {{}}")))
        if row["r"].value == "bad":
            raise UnsupportedShape(f"sh:pattern {literal.value!r} is not a regular expression oxigraph understands")

    def at_least(self, x: str, path: str, n: int, ok=None) -> str:
        """True when `x` has at least `n` distinct values on `path` (satisfying `ok`, if given)."""
        if n <= 0:
            return "true"
        if n > MAX_NESTED_COUNT:
            raise UnsupportedShape(f"counts above {MAX_NESTED_COUNT} inside nested shapes are not supported")
        vs = [self.var("c") for _ in range(n)]
        patterns = " ".join(f"{x} {path} {v} ." for v in vs)
        tests = [f"!sameTerm({a}, {b})" for i, a in enumerate(vs) for b in vs[i + 1:]]
        tests += [ok(v) for v in vs] if ok else []
        return f"EXISTS {{ {patterns} FILTER({' && '.join(tests) or 'true'}) }}"

    def conforms(self, shape: Shape, x: str, stack: tuple = ()) -> str:
        """True when node `x` conforms to `shape` (no results), as pyshacl decides in nested shapes."""
        if shape in stack:
            raise UnsupportedShape(f"{show(shape.node)} refers to itself: recursive shapes are not supported")
        if shape.deactivated or (self.allow_warnings and shape.severity.value in WARNING_OR_INFO):
            return "true"  # pyshacl: a deactivated shape, or one whose results are allowed, conforms
        if shape.sparql:
            raise UnsupportedShape(f"{show(shape.node)}: SPARQL constraints inside nested shapes are not supported")
        stack = stack + (shape,)
        parts = []
        if shape.path is None:
            for c in shape.constraints:
                parts.append(f"sameTerm({x}, {c.value})" if c.parameter == "hasValue" else self.value_ok(c, x, stack))
            if shape.closed:
                parts.append(f"!{self.closed_violation(shape, x)}")
            parts += [self.conforms(p, x, stack) for p in shape.properties]
        else:
            path = shape.path.sparql()
            for c in shape.constraints:
                parts.append(self._property_ok(c, x, path, stack))
            nested = [s for s in shape.properties] + ([shape] if shape.closed else [])
            for s in nested:
                v = self.var("v")
                test = self.closed_violation(shape, v) if s is shape else f"!{self.conforms(s, v, stack)}"
                parts.append(f"NOT EXISTS {{ {x} {path} {v} . FILTER({test}) }}")
        return "(" + " && ".join(parts) + ")" if parts else "true"

    def _property_ok(self, c: Constraint, x: str, path: str, stack: tuple) -> str:
        p = c.parameter
        if p == "minCount":
            return self.at_least(x, path, c.value)
        if p == "maxCount":
            return f"!{self.at_least(x, path, c.value + 1)}"
        if p == "hasValue":
            return f"EXISTS {{ {x} {path} {c.value} }}"
        if p == "uniqueLang":
            a, b = self.var("a"), self.var("b")
            return f"NOT EXISTS {{ {x} {path} {a} . {x} {path} {b} . FILTER({same_language(a, b)}) }}"
        if p == "qualifiedValueShape":
            shape, low, high = c.value
            ok = lambda v: self.conforms(shape, v, stack)  # noqa: E731
            tests = [self.at_least(x, path, low, ok)] if low else []
            tests += [f"!{self.at_least(x, path, high + 1, ok)}"] if high is not None else []
            return " && ".join(tests) or "true"
        v = self.var("v")
        return f"NOT EXISTS {{ {x} {path} {v} . FILTER(!{self.value_ok(c, v, stack)}) }}"

    def closed_violation(self, shape: Shape, x: str) -> str:
        """True when `x` has a triple whose predicate the closed `shape` does not allow."""
        p, o = self.var("p"), self.var("o")
        return f"EXISTS {{ {x} {p} {o} . FILTER({not_allowed(shape, p, o)}) }}"


def allowed_predicates(shape: Shape) -> list[str]:
    paths = [s.path.iri for s in shape.properties if s.path is not None and s.path.kind == "iri"]
    return sorted({str(t) for t in paths + shape.ignored})


def not_allowed(shape: Shape, p: str, o: str) -> str:
    allowed = ", ".join(allowed_predicates(shape))
    return f"{p} NOT IN ({allowed}) && !(sameTerm({p}, {TYPE}) && sameTerm({o}, {RESOURCE}))"


def same_language(a: str, b: str) -> str:
    return (f"COALESCE(!sameTerm({a}, {b}) && LANG({a}) != \"\" && LCASE(LANG({a})) = LCASE(LANG({b})), false)")
