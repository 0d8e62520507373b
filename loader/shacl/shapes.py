"""Reading a SHACL shapes graph (https://www.w3.org/TR/shacl/#shapes) into plain Python objects.

Every triple of the shapes graph whose predicate is in the sh: namespace must be understood here.
Anything else (a constraint component this engine does not implement, SHACL-AF rules and targets,
custom constraint components) raises UnsupportedShape when the shapes are read, so that a new
shape can never pass silently.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Iterable, Union

import pyoxigraph as ox

SH = "http://www.w3.org/ns/shacl#"
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
OWL = "http://www.w3.org/2002/07/owl#"
XSD = "http://www.w3.org/2001/XMLSchema#"

Term = Union[ox.NamedNode, ox.BlankNode, ox.Literal]


def sh(name: str) -> ox.NamedNode:
    return ox.NamedNode(SH + name)


RDF_TYPE, RDF_FIRST, RDF_REST, RDF_NIL = (ox.NamedNode(RDF + n) for n in ("type", "first", "rest", "nil"))
VIOLATION = sh("Violation")

# Parameters of a shape, by local name. Non-validating ones (name, order, …) are read and ignored.
TARGETS = {"targetClass", "targetNode", "targetSubjectsOf", "targetObjectsOf"}
VALUE_PARAMETERS = {"class", "datatype", "nodeKind", "pattern", "in", "minLength", "maxLength",
                    "minInclusive", "maxInclusive", "minExclusive", "maxExclusive", "languageIn",
                    "node", "not", "and", "or", "xone"}
SHAPE_PARAMETERS = TARGETS | VALUE_PARAMETERS | {
    "property", "path", "severity", "message", "deactivated", "flags", "minCount", "maxCount",
    "uniqueLang", "hasValue", "closed", "ignoredProperties", "qualifiedValueShape",
    "qualifiedMinCount", "qualifiedMaxCount", "sparql",
    "name", "description", "order", "group", "defaultValue"}
SINGLE = {"path", "severity", "deactivated", "flags", "datatype", "nodeKind", "in", "minCount", "maxCount",
          "minLength", "maxLength", "languageIn", "uniqueLang", "closed", "ignoredProperties",
          "qualifiedValueShape", "qualifiedMinCount", "qualifiedMaxCount"}
SPARQL_PARAMETERS = {"select", "message", "prefixes", "deactivated"}
PATH_PARAMETERS = {"inversePath", "alternativePath", "zeroOrMorePath", "oneOrMorePath", "zeroOrOnePath"}
QUANTIFIERS = {"zeroOrMore": "*", "oneOrMore": "+", "zeroOrOne": "?"}
NODE_KINDS = {SH + k for k in ("IRI", "BlankNode", "Literal", "BlankNodeOrIRI", "BlankNodeOrLiteral", "IRIOrLiteral")}


class UnsupportedShape(Exception):
    """The shapes use a SHACL feature this engine does not implement, or are not well-formed."""


def show(term) -> str:
    return str(term) if not isinstance(term, ox.Literal) else repr(term.value)


@dataclass(frozen=True)
class Path:
    """A SHACL property path (https://www.w3.org/TR/shacl/#property-paths)."""

    kind: str  # iri, inverse, sequence, alternative, zeroOrMore, oneOrMore, zeroOrOne, term
    iri: Term | None = None
    items: tuple["Path", ...] = ()
    node: Term | None = None  # the node of the path in the shapes graph

    def sparql(self) -> str:
        if self.kind == "iri":
            return str(self.iri)
        if self.kind == "inverse":
            return f"^({self.items[0].sparql()})"
        if self.kind in ("sequence", "alternative"):
            return "(" + (" / " if self.kind == "sequence" else " | ").join(p.sparql() for p in self.items) + ")"
        if self.kind == "term":
            raise UnsupportedShape(f"{show(self.iri)} is not a property path")
        return f"({self.items[0].sparql()}){QUANTIFIERS[self.kind]}"


@dataclass
class SparqlConstraint:
    """One sh:sparql value (https://www.w3.org/TR/shacl/#sparql-constraints)."""

    node: Term
    select: str
    messages: list[ox.Literal]
    prefixes: dict[str, str]
    deactivated: bool = False


@dataclass
class Constraint:
    """One constraint of a shape: its parameter's local name and value (terms, shapes, numbers)."""

    parameter: str
    value: object


@dataclass(eq=False)
class Shape:
    node: Term
    path: Path | None = None
    target_classes: list[Term] = field(default_factory=list)
    target_nodes: list[Term] = field(default_factory=list)
    target_subjects_of: list[Term] = field(default_factory=list)
    target_objects_of: list[Term] = field(default_factory=list)
    severity: ox.NamedNode = VIOLATION
    messages: list[ox.Literal] = field(default_factory=list)
    deactivated: bool = False
    constraints: list[Constraint] = field(default_factory=list)
    properties: list["Shape"] = field(default_factory=list)
    sparql: list[SparqlConstraint] = field(default_factory=list)
    closed: bool = False
    ignored: list[Term] = field(default_factory=list)

    @property
    def targeted(self) -> bool:
        return bool(self.target_classes or self.target_nodes or self.target_subjects_of or self.target_objects_of)

    def __repr__(self) -> str:
        return f"<Shape {show(self.node)}>"


class _Graph:
    """The shapes graph as subject → predicate → objects, in file order."""

    def __init__(self, triples: Iterable):
        self.out: dict = defaultdict(lambda: defaultdict(list))
        for t in triples:
            objects = self.out[t.subject][t.predicate]
            if t.object not in objects:
                objects.append(t.object)

    def objects(self, s, p) -> list:
        return self.out.get(s, {}).get(p, [])

    def one(self, s, p):
        values = self.objects(s, p)
        if len(values) > 1:
            raise UnsupportedShape(f"{show(s)} has more than one {p.value.replace(SH, 'sh:')}")
        return values[0] if values else None

    def items(self, head) -> list:
        out, seen = [], set()
        while head != RDF_NIL:
            if head in seen or not self.objects(head, RDF_FIRST):
                raise UnsupportedShape(f"{show(head)} is not a well-formed RDF list")
            seen.add(head)
            out.append(self.one(head, RDF_FIRST))
            head = self.one(head, RDF_REST)
        return out


def _literal(value, s, name: str) -> ox.Literal:
    if not isinstance(value, ox.Literal):
        raise UnsupportedShape(f"{show(s)}: sh:{name} must be a literal, not {show(value)}")
    return value


def _integer(value, s, name: str) -> int:
    try:
        return int(_literal(value, s, name).value)
    except ValueError:
        raise UnsupportedShape(f"{show(s)}: sh:{name} must be an integer, not {show(value)}") from None


def _boolean(value, s, name: str) -> bool:
    text = _literal(value, s, name).value
    if text not in ("true", "false", "1", "0"):
        raise UnsupportedShape(f"{show(s)}: sh:{name} must be a boolean, not {show(value)}")
    return text in ("true", "1")


class ShapesGraph:
    """All shapes of a shapes graph; `targeted` are the ones validation starts from."""

    def __init__(self, triples: Iterable):
        self.g = _Graph(triples)
        self.cache: dict = {}
        self.path_nodes: set = set()
        self.sparql_nodes: set = set()
        self.declare_nodes: set = set()
        rdfs_class, subclass = ox.NamedNode(RDFS + "Class"), ox.NamedNode(RDFS + "subClassOf")
        self.class_types = {rdfs_class} | {s for s, preds in self.g.out.items() if rdfs_class in preds.get(subclass, [])}
        self.ontologies = {s for s, preds in self.g.out.items() if ox.NamedNode(OWL + "Ontology") in preds.get(RDF_TYPE, [])}
        self.declared = {d for preds in self.g.out.values() for d in preds.get(sh("declare"), [])}
        sparql_values = {o for preds in self.g.out.values() for o in preds.get(sh("sparql"), [])}
        shape_nodes = [s for s, preds in self.g.out.items() if s not in sparql_values and (
                       any(p.value.startswith(SH) and p.value[len(SH):] in SHAPE_PARAMETERS for p in preds)
                       or any(t in (sh("NodeShape"), sh("PropertyShape")) for t in preds.get(RDF_TYPE, [])))]
        self.shapes = [self.shape(s) for s in shape_nodes]
        self._check_every_sh_triple_is_understood()
        self.targeted = [s for s in self.shapes if s.targeted and not s.deactivated]

    def shape(self, node) -> Shape:
        if node in self.cache:
            return self.cache[node]
        if isinstance(node, ox.Literal):
            raise UnsupportedShape(f"a shape must be an IRI or a blank node, not {show(node)}")
        g, shape = self.g, Shape(node)
        self.cache[node] = shape  # before reading its parameters: shapes may refer to each other
        for p, values in g.out.get(node, {}).items():
            name = p.value[len(SH):] if p.value.startswith(SH) else None
            if name is None:
                continue
            if name not in SHAPE_PARAMETERS:
                raise UnsupportedShape(f"{show(node)} uses sh:{name}, which loader.shacl does not implement")
            if name in SINGLE and len(values) > 1:
                raise UnsupportedShape(f"{show(node)} has more than one sh:{name}")
        self._read_targets(shape)
        path = g.one(node, sh("path"))
        shape.path = self.path(path) if path is not None else None
        severity = g.one(node, sh("severity"))
        if severity is not None:
            if not isinstance(severity, ox.NamedNode):
                raise UnsupportedShape(f"{show(node)}: sh:severity must be an IRI")
            shape.severity = severity
        shape.messages = [_literal(m, node, "message") for m in g.objects(node, sh("message"))]
        deactivated = g.one(node, sh("deactivated"))
        shape.deactivated = deactivated is not None and _boolean(deactivated, node, "deactivated")
        self._read_constraints(shape)
        shape.properties = [self.shape(p) for p in g.objects(node, sh("property"))]
        for p in shape.properties:
            if p.path is None:
                raise UnsupportedShape(f"{show(p.node)} is the value of sh:property but has no sh:path")
        shape.sparql = [self.sparql(c) for c in g.objects(node, sh("sparql"))]
        return shape

    def _read_targets(self, shape: Shape) -> None:
        g, node = self.g, shape.node
        shape.target_classes = list(g.objects(node, sh("targetClass")))
        if any(t in self.class_types for t in g.objects(node, RDF_TYPE)):  # an implicit class target (SHACL 2.1.3.3)
            shape.target_classes.append(node)
        shape.target_nodes = list(g.objects(node, sh("targetNode")))
        shape.target_subjects_of = list(g.objects(node, sh("targetSubjectsOf")))
        shape.target_objects_of = list(g.objects(node, sh("targetObjectsOf")))
        for term in shape.target_classes + shape.target_subjects_of + shape.target_objects_of:
            if not isinstance(term, ox.NamedNode):
                raise UnsupportedShape(f"{show(node)}: targets must be IRIs, not {show(term)}")
        for term in shape.target_nodes:
            if isinstance(term, ox.BlankNode):
                raise UnsupportedShape(f"{show(node)}: sh:targetNode on a blank node is not supported")

    def _read_constraints(self, shape: Shape) -> None:
        g, node, add = self.g, shape.node, shape.constraints.append
        for name in ("class", "datatype", "nodeKind", "pattern", "minInclusive", "maxInclusive",
                     "minExclusive", "maxExclusive", "hasValue"):
            for value in g.objects(node, sh(name)):
                if name in ("class", "datatype", "nodeKind") and not isinstance(value, ox.NamedNode):
                    raise UnsupportedShape(f"{show(node)}: sh:{name} must be an IRI, not {show(value)}")
                if name == "nodeKind" and value.value not in NODE_KINDS:
                    raise UnsupportedShape(f"{show(node)}: {show(value)} is not a node kind")
                if name in ("pattern", "minInclusive", "maxInclusive", "minExclusive", "maxExclusive"):
                    _literal(value, node, name)
                if name == "hasValue" and isinstance(value, ox.BlankNode):
                    raise UnsupportedShape(f"{show(node)}: sh:hasValue with a blank node is not supported")
                add(Constraint(name, value))
        flags = g.one(node, sh("flags"))
        if flags is not None:
            for c in shape.constraints:
                if c.parameter == "pattern":
                    c.value = (c.value, _literal(flags, node, "flags").value)
        for c in shape.constraints:
            if c.parameter == "pattern" and not isinstance(c.value, tuple):
                c.value = (c.value, "")
        for name in ("minCount", "maxCount", "minLength", "maxLength"):
            value = g.one(node, sh(name))
            if value is not None:
                add(Constraint(name, _integer(value, node, name)))
        for name in ("in", "languageIn"):
            head = g.one(node, sh(name))
            if head is not None:
                items = g.items(head)
                if name == "in" and any(isinstance(i, ox.BlankNode) for i in items):
                    raise UnsupportedShape(f"{show(node)}: blank nodes in sh:in are not supported")
                if name == "languageIn":
                    items = [_literal(i, node, name).value.lower() for i in items]
                add(Constraint(name, items))
        unique = g.one(node, sh("uniqueLang"))
        if unique is not None and _boolean(unique, node, "uniqueLang"):
            add(Constraint("uniqueLang", True))
        for name in ("and", "or", "xone"):
            for head in g.objects(node, sh(name)):
                add(Constraint(name, [self.shape(m) for m in g.items(head)]))
        for name in ("node", "not"):
            for value in g.objects(node, sh(name)):
                add(Constraint(name, self.shape(value)))
        qualified = g.one(node, sh("qualifiedValueShape"))
        low, high = g.one(node, sh("qualifiedMinCount")), g.one(node, sh("qualifiedMaxCount"))
        if qualified is not None:
            if g.objects(node, sh("qualifiedValueShapesDisjoint")):
                raise UnsupportedShape(f"{show(node)}: sh:qualifiedValueShapesDisjoint is not supported")
            add(Constraint("qualifiedValueShape", (self.shape(qualified),
                                                   _integer(low, node, "qualifiedMinCount") if low is not None else None,
                                                   _integer(high, node, "qualifiedMaxCount") if high is not None else None)))
        closed = g.one(node, sh("closed"))
        shape.closed = closed is not None and _boolean(closed, node, "closed")
        ignored = g.one(node, sh("ignoredProperties"))
        if ignored is not None:
            if closed is None:
                raise UnsupportedShape(f"{show(node)}: sh:ignoredProperties without sh:closed")
            shape.ignored = g.items(ignored)
        if shape.path is None:
            for c in shape.constraints:
                if c.parameter in ("minCount", "maxCount", "uniqueLang", "qualifiedValueShape"):
                    raise UnsupportedShape(f"{show(node)}: sh:{c.parameter} needs a property shape (sh:path)")

    def path(self, node) -> Path:
        g = self.g
        if isinstance(node, ox.NamedNode):
            return Path("iri", iri=node, node=node)
        if isinstance(node, ox.Literal):
            raise UnsupportedShape(f"{show(node)} is not a property path")
        self.path_nodes.add(node)
        if g.objects(node, RDF_FIRST):
            items = tuple(self.path(i) for i in g.items(node))
            if len(items) < 2:
                raise UnsupportedShape(f"{show(node)}: a sequence path needs at least two members")
            return Path("sequence", items=items, node=node)
        kinds = [k for k in PATH_PARAMETERS if g.objects(node, sh(k))]
        if len(kinds) != 1:
            raise UnsupportedShape(f"{show(node)} is not a SHACL property path")
        value = g.one(node, sh(kinds[0]))
        if kinds[0] == "alternativePath":
            return Path("alternative", items=tuple(self.path(i) for i in g.items(value)), node=node)
        kind = {"inversePath": "inverse", "zeroOrMorePath": "zeroOrMore", "oneOrMorePath": "oneOrMore",
                "zeroOrOnePath": "zeroOrOne"}[kinds[0]]
        return Path(kind, items=(self.path(value),), node=node)

    def sparql(self, node) -> SparqlConstraint:
        g = self.g
        self.sparql_nodes.add(node)
        select = g.one(node, sh("select"))
        if select is None:
            raise UnsupportedShape(f"{show(node)}: a SPARQL constraint needs sh:select (sh:ask validators are not supported)")
        deactivated = g.one(node, sh("deactivated"))
        return SparqlConstraint(node, _literal(select, node, "select").value,
                                [_literal(m, node, "message") for m in g.objects(node, sh("message"))],
                                self.prefixes(node),
                                deactivated is not None and _boolean(deactivated, node, "deactivated"))

    def prefixes(self, node) -> dict[str, str]:
        """sh:prefixes as pyshacl collects them: the declarations of the ontologies named by sh:prefixes."""
        g = self.g
        ontologies = self.ontologies
        everywhere = [d for o in ontologies for d in g.objects(o, sh("declare"))]
        out: dict[str, str] = {}
        for value in g.objects(node, sh("prefixes")):
            own = g.objects(value, sh("declare"))
            for declaration in (own if own and value in ontologies else everywhere + own):
                self.declare_nodes.add(declaration)
                prefix, namespace = g.one(declaration, sh("prefix")), g.one(declaration, sh("namespace"))
                if prefix is None or namespace is None:
                    raise UnsupportedShape(f"{show(declaration)}: sh:declare needs sh:prefix and sh:namespace")
                out[_literal(prefix, declaration, "prefix").value] = namespace.value
        return out

    def _check_every_sh_triple_is_understood(self) -> None:
        for s, preds in self.g.out.items():
            for p in preds:
                if not p.value.startswith(SH):
                    continue
                name = p.value[len(SH):]
                if (s in self.cache and name in SHAPE_PARAMETERS) or name == "declare" \
                        or (s in self.sparql_nodes and name in SPARQL_PARAMETERS) \
                        or (s in self.path_nodes and name in PATH_PARAMETERS) \
                        or (name in ("prefix", "namespace") and s in self.declared):
                    continue
                raise UnsupportedShape(f"{show(s)} uses sh:{name}, which loader.shacl does not implement")
