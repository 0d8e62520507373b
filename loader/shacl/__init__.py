"""A SHACL validator that compiles shapes to set-at-a-time SPARQL and runs them on a pyoxigraph store.

It implements the part of SHACL 1.0 (https://www.w3.org/TR/shacl/) that ontology/shapes.ttl uses,
Core and SHACL-SPARQL constraints, reading the spec as pyshacl does wherever the two could differ,
so that the loader can use either engine (tests/test_shacl_engine.py proves the results equal).
Any other SHACL feature raises UnsupportedShape when the shapes are read.

    store = validation_store(data_triples, ontology_triples)   # loader.shacl.dataset
    report = Validator(shapes_triples).validate(store)          # loader.shacl.engine
    report.conforms, report.results                             # Result: focus, path, shape, severity, …

loader.shacl.report.validate(data, tbox, shapes, layout) is the drop-in for loader.validation.validate.
"""
from loader.shacl.dataset import validation_store, validation_store_from_files
from loader.shacl.engine import Report, Result, Validator
from loader.shacl.shapes import UnsupportedShape

__all__ = ["Report", "Result", "UnsupportedShape", "Validator", "validation_store", "validation_store_from_files"]
