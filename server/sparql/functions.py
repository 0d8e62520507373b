"""The extension functions the engine evaluates beyond SPARQL 1.1's own, listed in the service description
(SPARQL 1.1 Service Description §3.4, sd:extensionFunction).

pyoxigraph 0.5.13 evaluates these 41 GeoSPARQL 1.1 functions (https://docs.ogc.org/is/22-047r1/22-047r1.html#_functions),
found by calling 70 of the standard's function names with points, lines, polygons, numbers and units; the
others parse but leave their variable unbound. This is the one list: a function
added to the engine (or by the server) gets one entry, with an example call whose result is bound, and
tests/test_service_description.py checks that the description lists it and that the endpoint evaluates it.
"""
from __future__ import annotations

GEOF = "http://www.opengis.net/def/function/geosparql/"
_POINT = '"POINT(1 1)"^^<http://www.opengis.net/ont/geosparql#wktLiteral>'
_SQUARE = '"POLYGON((0 0, 2 0, 2 2, 0 2, 0 0))"^^<http://www.opengis.net/ont/geosparql#wktLiteral>'
_METRE = "<http://www.opengis.net/def/uom/OGC/1.0/metre>"
_ONE = (_POINT,)
_TWO = (_POINT, _SQUARE)

# function IRI -> the arguments of an example call (SPARQL terms) that the engine evaluates to a bound value
FUNCTIONS: dict[str, tuple[str, ...]] = {
    **{GEOF + name: _ONE for name in ("convexHull", "envelope", "getSRID", "dimension", "coordinateDimension",
                                      "spatialDimension", "isEmpty", "isSimple", "asGeoJSON", "centroid")},
    GEOF + "relate": (*_TWO, '"T*F**FFF*"'),
    GEOF + "distance": (_POINT, _POINT, _METRE),
    GEOF + "length": (_POINT, _METRE),
    **{GEOF + name: (_SQUARE, _SQUARE) for name in ("intersection", "union", "difference", "symDifference")},
    **{GEOF + name: _TWO for name in (
        "sfEquals", "sfDisjoint", "sfIntersects", "sfTouches", "sfCrosses", "sfWithin", "sfContains", "sfOverlaps",
        "ehEquals", "ehDisjoint", "ehMeet", "ehOverlap", "ehCovers", "ehCoveredBy", "ehInside", "ehContains",
        "rcc8eq", "rcc8dc", "rcc8ec", "rcc8po", "rcc8tppi", "rcc8tpp", "rcc8ntpp", "rcc8ntppi")},
}


def example(iri: str) -> str:
    """A query that binds ?value to the function's result on its example arguments."""
    return f"SELECT ?value WHERE {{ BIND(<{iri}>({', '.join(FUNCTIONS[iri])}) AS ?value) }}"
