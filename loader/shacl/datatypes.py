"""sh:datatype as pyshacl reads it (https://www.w3.org/TR/shacl/#DatatypeConstraintComponent).

A literal matches sh:datatype D when its datatype is D and it is not ill-typed. pyshacl decides
ill-typedness with rdflib's converters (Python's int(), Decimal(), date.fromisoformat, …), which
accept some forms XSD does not ("1e3" as a decimal) and refuse some it accepts ("0000-01-01").
To give the same answers without a Python loop over every literal:
- a strict SPARQL test (a regular expression on the lexical form, plus a cast for dates and times)
  accepts the forms that both XSD and rdflib accept, which is every literal oxigraph writes in
  canonical form;
- the few literals of a checked datatype that fail it are listed with one query and judged by
  rdflib itself (imported only then); those rdflib accepts are "rescued" into the condition.
Datatypes rdflib has no converter for are never ill-typed, as in rdflib.
"""
from __future__ import annotations

import logging

import pyoxigraph as ox

from loader.shacl.shapes import RDF, RDFS, XSD

LANG_STRING, RDFS_LITERAL, RDFS_DATATYPE, XSD_STRING = RDF + "langString", RDFS + "Literal", RDFS + "Datatype", XSD + "string"

# rdflib.term.XSDToPython: the datatypes rdflib converts to Python values (tests check this list).
CONVERTED = {XSD + n for n in (
    "time", "date", "dateTime", "duration", "dayTimeDuration", "yearMonthDuration", "hexBinary", "boolean",
    "decimal", "integer", "nonPositiveInteger", "long", "nonNegativeInteger", "negativeInteger", "int",
    "unsignedLong", "positiveInteger", "short", "unsignedInt", "byte", "unsignedShort", "unsignedByte",
    "float", "double", "base64Binary")} | {RDF + "XMLLiteral", RDF + "HTML"}

YEAR = "(?:[1-9][0-9]{3}|0[1-9][0-9]{2}|00[1-9][0-9]|000[1-9])"  # four digits, not 0000: Python's date range
ZONE = "(?:Z|[+-][0-9]{2}:[0-9]{2})?"
CLOCK = "[0-9]{2}:[0-9]{2}:[0-9]{2}(?:[.][0-9]+)?"
NUMBER = "[+-]?(?:[0-9]+(?:[.][0-9]*)?|[.][0-9]+)"
# Lexical forms that XSD, oxigraph and rdflib all accept; `cast` also needs oxigraph's cast to work
# (it checks day-of-month and time ranges, which a regular expression cannot).
STRICT = {
    XSD + "integer": (r"^[+-]?[0-9]+$", None),
    XSD + "decimal": (f"^{NUMBER}$", None),
    XSD + "double": (f"^{NUMBER}(?:[eE][+-]?[0-9]+)?$", None),
    XSD + "float": (f"^{NUMBER}(?:[eE][+-]?[0-9]+)?$", None),
    XSD + "boolean": (r"^(?:true|false|1|0)$", None),
    XSD + "date": (f"^{YEAR}-[0-9]{{2}}-[0-9]{{2}}{ZONE}$", XSD + "date"),
    XSD + "dateTime": (f"^{YEAR}-[0-9]{{2}}-[0-9]{{2}}T{CLOCK}{ZONE}$", XSD + "dateTime"),
    XSD + "time": (f"^{CLOCK}{ZONE}$", XSD + "time"),
}


def sparql_string(text: str) -> str:
    """A SPARQL string literal holding `text` exactly."""
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "\\r")
    return f'"{escaped}"'


def _strict(datatype: str, var: str) -> str:
    """True for a literal of `datatype` whose lexical form is surely well-formed for rdflib too."""
    if datatype not in CONVERTED:
        return "true"
    if datatype not in STRICT:
        return "false"
    regex, cast = STRICT[datatype]
    test = f"REGEX(STR({var}), {sparql_string(regex)})"
    if cast:
        test += f" && isLiteral(<{cast}>(STR({var})))"
    return f"COALESCE({test}, false)"


class Datatypes:
    """The sh:datatype conditions of one validation run, with the literals rdflib rescues."""

    def __init__(self, store: ox.Store, datatypes: dict[str, set[str] | None]):
        """`datatypes`: each sh:datatype of the shapes → the predicates whose values it judges (None: any)."""
        self.rescued: dict[str, list[ox.Literal]] = {}
        checked = {d: paths for d, paths in datatypes.items() if d in CONVERTED}
        if not checked:
            return
        scans = []
        for d, paths in sorted(checked.items(), key=lambda kv: kv[0]):
            where = f"VALUES ?p {{ {' '.join(sorted(paths))} }} " if paths is not None else ""
            scans.append(f"{{ {where}?s ?p ?l . FILTER(isLiteral(?l) && DATATYPE(?l) = <{d}> && !{_strict(d, '?l')}) }}")
        for row in store.query("SELECT DISTINCT ?l WHERE { " + " UNION ".join(scans) + " }"):
            literal = row["l"]
            if rdflib_accepts(literal.value, literal.datatype.value):
                self.rescued.setdefault(literal.datatype.value, []).append(literal)

    def condition(self, datatype: str, var: str) -> str:
        """A SPARQL expression, never an error, true when `var` matches sh:datatype `datatype`."""
        if datatype == RDFS_LITERAL:
            return f"isLiteral({var})"
        if datatype == LANG_STRING:
            return f"(isLiteral({var}) && LANG({var}) != \"\")"
        if datatype == RDFS_DATATYPE:  # rdflib: a typed literal; plain and xsd:string ones have no datatype there
            return f"(isLiteral({var}) && LANG({var}) = \"\" && DATATYPE({var}) != <{XSD_STRING}>)"
        rescued = " || ".join(f"sameTerm({var}, {lit})" for lit in self.rescued.get(datatype, []))
        wellformed = _strict(datatype, var) + (f" || {rescued}" if rescued else "")
        return f"(isLiteral({var}) && COALESCE(DATATYPE({var}) = <{datatype}>, false) && ({wellformed}))"


def rdflib_accepts(lexical: str, datatype: str) -> bool:
    """pyshacl's test (DatatypeConstraintComponent) for a literal whose datatype is `datatype`."""
    from datetime import date, datetime, time
    from decimal import Decimal

    import rdflib
    logging.getLogger("rdflib.term").disabled = True  # rdflib logs a traceback for every ill-typed literal
    try:
        literal = rdflib.Literal(lexical, datatype=rdflib.URIRef(datatype))
    finally:
        logging.getLogger("rdflib.term").disabled = False
    if literal.ill_typed is True:
        return False
    expected = {XSD_STRING: (str, bytes), LANG_STRING: (str, bytes), XSD + "integer": int, XSD + "float": float,
                XSD + "decimal": Decimal, XSD + "boolean": bool, XSD + "date": date, XSD + "time": time,
                XSD + "dateTime": datetime}.get(datatype)
    return expected is None or isinstance(literal.value, expected)
