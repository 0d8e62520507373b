"""Result messages for shapes that have no sh:message, worded as pyshacl words them.

pyshacl writes terms with pyshacl.rdfutil.stringify_node: IRIs as prefixed names where one of
rdflib's default prefixes fits (schema:name, xsd:date) and as <…> otherwise, literals as
Literal("lexical form", lang=…, datatype=…). rdflib is imported only when such a message is
needed. Blank nodes (pyshacl describes their content) are written as their label.
"""
from __future__ import annotations

from functools import lru_cache

import pyoxigraph as ox

from loader.shacl.shapes import XSD, Path, show


@lru_cache(maxsize=1)
def _namespaces():
    import rdflib
    return rdflib.Graph().namespace_manager  # the bindings pyshacl's graphs have: rdflib's defaults


def term(t) -> str:
    """pyshacl's stringify_node for an IRI or a literal."""
    import rdflib
    if isinstance(t, ox.NamedNode):
        try:
            return rdflib.URIRef(t.value).n3(namespace_manager=_namespaces())
        except Exception:  # noqa: BLE001 (rdflib refuses some IRIs; pyshacl then writes the IRI)
            return t.value
    if isinstance(t, ox.Literal):
        datatype = None if t.language or t.datatype.value == XSD + "string" else rdflib.URIRef(t.datatype.value)
        literal = rdflib.Literal(t.value, lang=t.language or None, datatype=datatype)
        value = None if literal.value is None else str(literal.value)
        text = f'"{literal}" = {value}' if value is not None and value != str(literal) else f'"{literal}"'
        text += f", lang={literal.language}" if literal.language else ""
        text += f", datatype={term(ox.NamedNode(str(datatype)))}" if datatype is not None else ""
        return f"Literal({text})"
    return show(t)


def _path(path: Path | None) -> str:
    if path is None:
        return ""
    return term(path.iri) if path.kind == "iri" else path.sparql()


def generic(parameter: str, value_of_constraint, focus, value, path: Path | None) -> str:
    """pyshacl's make_generic_messages, for one constraint component."""
    c = value_of_constraint
    on = f"{term(focus)}->{_path(path)}" if path is not None else term(focus)
    if parameter == "minCount":
        return f"Less than {c} values on {on}"
    if parameter == "maxCount":
        return f"More than {c} values on {on}"
    if parameter == "closed":
        return f"Node {term(focus)} is closed. It cannot have value: {term(value)}"
    if parameter == "uniqueLang":
        return "More than one String shares the same Language"
    if parameter == "hasValue":
        values = [term(c)]
        return (f"Node {on} does not contain a value in the set: {values}" if path is not None else
                f"Node {term(focus)} value is not a in the set of values: {values}")
    if parameter == "class":
        return f"Value does not have class {term(c)}"
    if parameter == "datatype":
        return f"Value is not Literal with datatype {term(c)}"
    if parameter == "nodeKind":
        return f"Value is not of Node Kind {term(c)}"
    if parameter == "pattern":
        return f"Value does not match pattern '{c[0].value}'"
    if parameter == "in":
        return f"Value {term(value)} not in list {[term(t) for t in c]}"
    if parameter == "minLength":
        return f"String length not >= {c}"
    if parameter == "maxLength":
        return f"String length not <= {c}"
    if parameter in ("minInclusive", "maxInclusive", "minExclusive", "maxExclusive"):
        op = {"minInclusive": ">=", "maxInclusive": "<=", "minExclusive": ">", "maxExclusive": "<"}[parameter]
        return f"Value is not {op} {term(c)}"
    if parameter == "languageIn":
        return f"String language is not in {c}"
    if parameter == "node":
        return f"Value does not conform to Shape {show(c.node)}. See details for more information."
    if parameter in ("qualifiedMinCount", "qualifiedMaxCount"):
        return f"Focus node does not conform to shape {show(c[0].node)}"
    return f"Node {term(value) if value is not None else term(focus)} does not satisfy sh:{parameter}"
