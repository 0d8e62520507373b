"""/sparql: the query operation of the SPARQL 1.1 Protocol (https://www.w3.org/TR/sparql11-protocol/#query-operation).

GET without a query answers the service description (server.sparql.description). Every query passes the
same steps: decode (server.sparql.protocol), scan and refuse updates (server.sparql.query_scan), refuse unlisted
SERVICE targets (server.sparql.federation), refuse nesting the engine has no stack for
(server.sparql.nesting), negotiate the format (server.conneg), then run on the backend.
"""
from __future__ import annotations

from flask import Blueprint, Response, current_app, request

from server import caching, conneg
from server.backends import Dataset, Limits, QueryJob
from server.config import Config
from server.errors import QuerySyntaxError
from server.sparql import description, federation, nesting, protocol, query_scan, syntax

blueprint = Blueprint("sparql", __name__)


@blueprint.route("/sparql", methods=["GET", "POST"])
def endpoint() -> Response:
    config: Config = current_app.config["SERVER"]
    operation = protocol.read(request, config.max_request_bytes)
    if operation.query is None:
        fmt = conneg.negotiate("description", request.headers.get("Accept"), operation.formats)
        return caching.respond(lambda: description.service_response(operation.formats),
                               "description", description.endpoint_url(), fmt.media_type)
    scan = query_scan.scan(operation.query)
    nesting.check(operation.query)
    federation.check(scan, config.service_allow_list)
    if scan.form is None:
        # Not a query form: the engine's parser will say where and why (400), whatever Accept says.
        result_format = conneg.OFFERS[scan.kind][0]
    else:
        result_format = conneg.negotiate(scan.kind, request.headers.get("Accept"), operation.formats)
    job = QueryJob(
        text=operation.query,
        kind=scan.kind,
        media_type=result_format.media_type,
        dataset=Dataset(operation.default_graphs, operation.named_graphs) if operation.has_dataset else None,
        declares_dataset=scan.declares_dataset,
        federated=bool(scan.services),
        prefixes=scan.prefixes,
        base_iri=config.base_iri,
    )
    return caching.respond(lambda: answer(job, result_format, config), "query", job.text, job.dataset,
                           result_format.media_type)


def answer(job: QueryJob, result_format: conneg.Format, config: Config) -> Response:
    """Run a job on the backend and answer it: streamed, in the negotiated format, the row cap announced."""
    try:
        result = current_app.extensions["backend"].query(job, Limits(config.time_limit, config.row_limit))
    except QuerySyntaxError as error:
        raise QuerySyntaxError(f"the query is not valid SPARQL 1.1: {syntax.explain(job.text, error.message)}") from None
    response = Response(content_type=result_format.content_type)
    if result.body is not None:
        response.set_data(result.body)
    else:
        response.response = result  # streamed; werkzeug calls result.close() when the client is done
    if result.truncated is not None:
        response.headers["X-Row-Limit"] = str(result.row_limit)
        response.headers["X-Result-Truncated"] = "true" if result.truncated else "false"
    response.vary.add("Accept")
    return response
