"""The published query library: queries/*.rq with `#+` YAML headers (grlc's convention), read strictly, and their parameters as RDF terms.

A header is the block of `#+` lines that starts the file. It must be YAML with exactly these keys:
summary, description, tags and (optionally) params, each param with name, type, required,
description, example and (optionally, when not required) default. Anything else is an error, and
`load` reports every error of every file at once, as `path:line: message`: nothing is ignored.

Parameter values become pyoxigraph terms, whose constructors check them (an `iri` must be an absolute
IRI); they are never pasted into the query's text. Each query is checked when it is read: it parses,
its example values bind (pyoxigraph wants a substituted variable in the SELECT projection), and its
WHERE group can take the VALUES block of server.backends.values.
"""
from __future__ import annotations

import datetime
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox
import yaml

from server.backends import values
from server.errors import BadParameter, NotFound, UpdateRefused
from server.sparql.query_scan import scan, tokens

DEFAULT_DIR = Path(__file__).resolve().parents[2] / "queries"
XSD = "http://www.w3.org/2001/XMLSchema#"
PARAM_TYPES = {"iri", "string", "integer", "date", "boolean"}
HEADER_KEYS = {"summary": True, "description": True, "tags": True, "params": False}  # key: required
PARAM_KEYS = {"name": True, "type": True, "required": True, "description": True, "example": True, "default": False}
RESERVED = {"format"}  # /queries/<name>?format= negotiates the result format
NAME = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
VARNAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


class LibraryError(ValueError):
    """Query files that cannot be published: every problem found, one `path:line: message` per line."""

    def __init__(self, problems: list[str]):
        super().__init__("\n".join(problems))
        self.problems = problems


@dataclass(frozen=True)
class Param:
    name: str
    type: str  # one of PARAM_TYPES
    required: bool
    description: str
    example: str
    default: str | None = None


@dataclass(frozen=True)
class Query:
    name: str
    path: Path
    summary: str
    description: str
    tags: tuple[str, ...]
    params: tuple[Param, ...]
    text: str  # the whole file, header included: what runs, and what /queries/<name>.rq returns
    kind: str  # 'solutions', 'boolean' or 'graph'
    variables: tuple[str, ...]  # the SELECT projection
    prefixes: dict[str, str]

    @property
    def body(self) -> str:
        """The query without its header."""
        return "".join(line for line in self.text.splitlines(keepends=True) if not line.startswith("#+")).lstrip()

    def example_values(self) -> dict[str, str]:
        return {p.name: p.example for p in self.params}

    def example_query(self) -> str:
        """The body with the example values bound by a VALUES block: runs as it is on any SPARQL endpoint."""
        bindings = bind(self, list(self.example_values().items()))
        return values.bind(self.body, tuple(bindings.items())) if bindings else self.body


class Library:
    def __init__(self, queries: Iterable[Query]):
        self.queries = {q.name: q for q in sorted(queries, key=lambda q: q.name)}

    def __iter__(self) -> Iterator[Query]:
        return iter(self.queries.values())

    def __len__(self) -> int:
        return len(self.queries)

    def get(self, name: str) -> Query:
        if name not in self.queries:
            raise NotFound(f"no query named {name!r} in the library (GET /queries, or `python -m server queries "
                           "list`, lists them)")
        return self.queries[name]


def load(directory: Path = DEFAULT_DIR) -> Library:
    """Every queries/*.rq; LibraryError listing all problems if any file has one."""
    problems: list[str] = []
    queries = []
    paths = sorted(Path(directory).glob("*.rq"))
    if not paths:
        problems.append(f"{directory}: no .rq files")
    for path in paths:
        try:
            queries.append(read(path))
        except LibraryError as error:
            problems += error.problems
    if problems:
        raise LibraryError(problems)
    return Library(queries)


def read(path: Path) -> Query:
    text = path.read_text(encoding="utf-8")
    problems = _Problems(path)
    if not NAME.fullmatch(path.stem):
        problems.add(1, f"the file name {path.name!r} is not a query name (lower-case words joined by hyphens)")
    header = _header(text, problems)
    params = tuple(_param(p, problems) for p in header.get("params") or ())
    seen = [p.name for p in params]
    for name in {n for n in seen if seen.count(n) > 1}:
        problems.add(header.line("params"), f"param {name!r} is declared more than once")
    kind, variables, prefixes = _check_query(text, params, problems)
    problems.raise_any()
    return Query(name=path.stem, path=path, summary=header["summary"], description=header["description"].strip(),
                 tags=tuple(header["tags"]), params=params, text=text, kind=kind, variables=variables,
                 prefixes=prefixes)


def bind(query: Query, pairs: list[tuple[str, str]]) -> dict[str, ox.Term]:
    """The terms for a request's parameters; BadParameter (400) naming the parameter that is wrong."""
    declared = {p.name: p for p in query.params}
    given: dict[str, str] = {}
    for name, value in pairs:
        if name not in declared:
            takes = ", ".join(declared) or "no parameters"
            raise BadParameter(f"unknown parameter {name!r} for query {query.name!r}; it takes {takes}")
        if name in given:
            raise BadParameter(f"parameter {name!r} is given more than once; give it once")
        given[name] = value
    bindings: dict[str, ox.Term] = {}
    for name, param in declared.items():
        value = given.get(name, param.default)
        if value is None:
            if param.required:
                raise BadParameter(f"missing required parameter {name!r} ({param.type}: {param.description}), "
                                   f"e.g. {name}={param.example}")
            continue
        bindings[name] = term(param, value)
    return bindings


def term(param: Param, value: str) -> ox.Term:
    """`value` as the RDF term of `param`'s type, or BadParameter naming the parameter."""
    kind = param.type
    if kind == "iri":
        try:
            return ox.NamedNode(value)
        except ValueError as error:
            raise BadParameter(f"parameter {param.name!r} must be an absolute IRI; {value!r} is not: {error}") from None
    if kind == "string":
        if not value:
            raise BadParameter(f"parameter {param.name!r} is empty")
        return ox.Literal(value)
    if kind == "integer":
        if not re.fullmatch(r"[+-]?[0-9]+", value):
            raise BadParameter(f"parameter {param.name!r} must be an integer; {value!r} is not")
        return ox.Literal(str(int(value)), datatype=ox.NamedNode(XSD + "integer"))
    if kind == "date":
        try:
            if not re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", value):
                raise ValueError
            datetime.date.fromisoformat(value)
        except ValueError:
            raise BadParameter(f"parameter {param.name!r} must be a date as YYYY-MM-DD; {value!r} is not") from None
        return ox.Literal(value, datatype=ox.NamedNode(XSD + "date"))
    if value not in ("true", "false"):
        raise BadParameter(f"parameter {param.name!r} must be true or false; {value!r} is not")
    return ox.Literal(value, datatype=ox.NamedNode(XSD + "boolean"))


# Reading the header.

class _Problems:
    def __init__(self, path: Path):
        self.path, self.found = path, []

    def add(self, line: int, message: str) -> None:
        self.found.append(f"{self.path}:{line}: {message}")

    def raise_any(self) -> None:
        if self.found:
            raise LibraryError(self.found)


class _Header(dict):
    """The header's mapping, with the line of each key (for messages)."""

    lines: dict[str, int]

    def line(self, key: str) -> int:
        return self.lines.get(key, 1)


class _StrictLoader(yaml.SafeLoader):
    """YAML that refuses duplicate keys instead of keeping the last one."""

    def construct_mapping(self, node, deep=False):
        seen = set()
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=True)
            if key in seen:
                raise yaml.constructor.ConstructorError(None, None, f"duplicate key {key!r}", key_node.start_mark)
            seen.add(key)
        return super().construct_mapping(node, deep)


def _header(text: str, problems: _Problems) -> _Header:
    lines = text.splitlines()
    count = 0
    while count < len(lines) and lines[count].startswith("#+"):
        count += 1
    header = _Header()
    header.lines = {}
    if count == 0:
        problems.add(1, "no #+ header: a query file starts with #+ lines (summary, description, tags, params)")
        return header
    for number, line in enumerate(lines[count:], start=count + 1):
        if line.startswith("#+"):
            problems.add(number, "a #+ line after the header: the header is one block at the top of the file")
    yaml_lines = []
    for number, line in enumerate(lines[:count], start=1):
        if line != "#+" and not line.startswith("#+ "):
            problems.add(number, "a header line starts with '#+ ' (or is '#+' alone)")
        yaml_lines.append(line[3:])
    try:
        node = yaml.compose("\n".join(yaml_lines), Loader=_StrictLoader)
        data = yaml.load("\n".join(yaml_lines), Loader=_StrictLoader)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        problems.add(mark.line + 1 if mark else 1, f"the header is not valid YAML: {_yaml_message(error)}")
        return header
    if not isinstance(data, dict):
        problems.add(1, "the header is not a YAML mapping of summary, description, tags and params")
        return header
    header.update(data)
    header.lines = {key.value: key.start_mark.line + 1 for key, _ in node.value}
    _check_keys(header, HEADER_KEYS, "the header", header.line, problems)
    for key in ("summary", "description"):
        if key in header and (not isinstance(header[key], str) or not header[key].strip()):
            problems.add(header.line(key), f"{key} must be a non-empty string")
    if isinstance(header.get("summary"), str) and "\n" in header["summary"].strip():
        problems.add(header.line("summary"), "summary must be one line")
    tags = header.get("tags")
    if "tags" in header and (not isinstance(tags, list) or not all(isinstance(t, str) and NAME.fullmatch(t)
                                                                   for t in tags)):
        problems.add(header.line("tags"), "tags must be a list of lower-case words (joined by hyphens)")
    params = header.get("params")
    if params is not None and not (isinstance(params, list) and all(isinstance(p, dict) for p in params)):
        problems.add(header.line("params"), "params must be a list of mappings")
        header["params"] = []
    else:
        for param, item in zip(params or [], _items(node, "params")):
            param["_line"] = item.start_mark.line + 1
    for key, required in HEADER_KEYS.items():
        if required and key not in header:
            header[key] = "" if key != "tags" else []
    return header


def _items(node, key: str) -> list:
    for key_node, value in node.value:
        if key_node.value == key and isinstance(value, yaml.SequenceNode):
            return value.value
    return []


def _check_keys(mapping: dict, allowed: dict[str, bool], what: str, line, problems: _Problems) -> None:
    for key in mapping:
        if key not in allowed and key != "_line":
            problems.add(line(key), f"unknown key {key!r} in {what} (allowed: {', '.join(allowed)})")
    for key, required in allowed.items():
        if required and key not in mapping:
            problems.add(line(key), f"{what} has no {key!r}")


def _param(raw: dict, problems: _Problems) -> Param:
    line = raw.get("_line", 1)
    name = raw.get("name")
    what = f"param {name!r}" if isinstance(name, str) else "a param"
    _check_keys(raw, PARAM_KEYS, what, lambda key: line, problems)
    if not isinstance(name, str) or not VARNAME.fullmatch(name):
        problems.add(line, f"{what}: name must be a SPARQL variable name (letters, digits, _)")
        name = str(name)
    elif name in RESERVED:
        problems.add(line, f"{what}: {name!r} is reserved (it chooses the result format)")
    kind = raw.get("type")
    if kind not in PARAM_TYPES:
        problems.add(line, f"{what}: type {kind!r} is not one of {', '.join(sorted(PARAM_TYPES))}")
        kind = "string"
    required = raw.get("required")
    if not isinstance(required, bool):
        problems.add(line, f"{what}: required must be true or false")
        required = True
    description = raw.get("description")
    if not isinstance(description, str) or not description.strip():
        problems.add(line, f"{what}: description must be a non-empty string")
        description = ""
    param = Param(name, kind, required, description, _text(raw.get("example")), None)
    for key in ("example", "default"):
        if key in raw:
            try:
                term(param, _text(raw[key]))
            except BadParameter as error:
                problems.add(line, f"{what}: the {key} is not a valid value: {error.message}")
    if "default" in raw:
        if required:
            problems.add(line, f"{what}: a required param has no default")
        param = Param(name, kind, required, description, param.example, _text(raw["default"]))
    return param


def _text(value) -> str:
    """A YAML scalar as the string a client would send (YAML reads 2017-09-26 as a date, true as a bool)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime.date):
        return value.isoformat()
    return "" if value is None else str(value)


def _yaml_message(error: yaml.YAMLError) -> str:
    return " ".join(str(getattr(error, "problem", None) or error).split())


# Checking the query.

def _check_query(text: str, params: tuple[Param, ...], problems: _Problems) -> tuple[str, tuple[str, ...], dict]:
    line = sum(1 for line in text.splitlines() if line.startswith("#+")) + 1
    try:
        found = scan(text)
    except UpdateRefused as error:
        problems.add(line, f"the library publishes queries only: {error.message}")
        return "solutions", (), {}
    if found.form is None:
        problems.add(line, "no SELECT, ASK, CONSTRUCT or DESCRIBE query after the header")
        return "solutions", (), {}
    variables_in_text = {t.text[1:] for t in tokens(text) if t.kind == "var"}
    for param in params:
        if param.name not in variables_in_text:
            problems.add(line, f"param {param.name!r} is not a variable of the query (?{param.name})")
    if params and values.outer_group(text) is None:
        problems.add(line, "a query with params needs a WHERE group to bind them in")
    substitutions = {}
    for param in params:
        try:
            substitutions[ox.Variable(param.name)] = term(param, param.example)
        except (BadParameter, ValueError):
            pass  # reported with the header
    try:
        results = ox.Store().query(text, substitutions=substitutions, use_default_graph_as_union=True)
    except SyntaxError as error:
        problems.add(line, f"the query is not valid SPARQL 1.1: {error}")
        return found.kind, (), found.prefixes
    except RuntimeError as error:  # pyoxigraph: a substituted variable that is not projected
        problems.add(line, f"the params cannot be bound: {error} (project every param's variable)")
        return found.kind, (), found.prefixes
    projected = tuple(v.value for v in results.variables) if isinstance(results, ox.QuerySolutions) else ()
    return found.kind, projected, found.prefixes
