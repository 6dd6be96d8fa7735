"""/api/openapi.json: the OpenAPI 3.1 description of the JSON API, generated from the code.

Nothing here is written by hand per endpoint: the paths are the URL patterns whose view is
an ApiView; a view's summary is its docstring, its query parameters are the QueryParameter
declarations next to the parser (seminars/api/listing.py), and its responses are the
TypedDicts that the serialisers return (seminars/api/serialisers.py), turned into JSON Schema.
"""

import re
import types
import typing
from typing import Any

from django.conf import settings
from django.http import JsonResponse
from django.urls import URLPattern, URLResolver, get_resolver

from seminars.api.listing import SLUG_SCHEMA
from seminars.api.serialisers import ErrorData
from seminars.api.views import ApiListView, ApiView
from seminars.http.conditional import cacheable

OPENAPI_VERSION = "3.1.0"
API_VERSION = "1"
JSON = "application/json"
SIMPLE_TYPES = {str: "string", int: "integer", bool: "boolean", float: "number"}


def schema_of(annotation: Any, components: dict[str, dict]) -> dict:
    """Return the JSON Schema of a type annotation; a TypedDict becomes a named component."""
    origin = typing.get_origin(annotation)
    if annotation is type(None):
        return {"type": "null"}
    if annotation in SIMPLE_TYPES:
        return {"type": SIMPLE_TYPES[annotation]}
    if origin is typing.Literal:
        return {"enum": list(typing.get_args(annotation))}
    if origin in (typing.Union, types.UnionType):
        return {"anyOf": [schema_of(arg, components) for arg in typing.get_args(annotation)]}
    if origin is list:
        (item,) = typing.get_args(annotation)
        return {"type": "array", "items": schema_of(item, components)}
    if typing.is_typeddict(annotation):
        name = annotation.__name__
        if name not in components:
            components[name] = {}  # a placeholder while its fields are described
            fields = typing.get_type_hints(annotation)
            components[name] = {
                "type": "object",
                "properties": {key: schema_of(value, components) for key, value in fields.items()},
                "required": sorted(annotation.__required_keys__),
            }
        return {"$ref": f"#/components/schemas/{name}"}
    raise TypeError(f"No JSON Schema for {annotation!r}")


def page_schema(item: dict) -> dict:
    """Return the schema of a page of a list of `item`s."""
    link = {"type": ["string", "null"], "format": "uri"}
    return {
        "type": "object",
        "properties": {
            "count": {"type": "integer", "minimum": 0},
            "next": link,
            "previous": link,
            "results": {"type": "array", "items": item},
        },
        "required": ["count", "next", "previous", "results"],
    }


def api_routes() -> list[tuple[str, str, type[ApiView]]]:
    """Return (route, URL name, view class) of every API endpoint, in URL order."""
    found = []

    def walk(patterns, prefix: str, namespace: str) -> None:
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
                walk(pattern.url_patterns, prefix + str(pattern.pattern), inner)
            elif isinstance(pattern, URLPattern):
                view = getattr(pattern.callback, "view_class", None)
                if isinstance(view, type) and issubclass(view, ApiView):
                    found.append((prefix + str(pattern.pattern), namespace + pattern.name, view))

    walk(get_resolver().url_patterns, "/", "")
    return found


def path_of(route: str) -> tuple[str, list[str]]:
    """Return an OpenAPI path ("/api/talks/{slug}/") and its parameters, from a route."""
    names = re.findall(r"<(?:\w+:)?(\w+)>", route)
    return re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", route), names


ErrorRef = {"$ref": "#/components/schemas/ErrorData"}


def operation(view: type[ApiView], name: str, path_names: list[str], components: dict) -> dict:
    """Return the OpenAPI operation of a GET on `view`."""
    doc = (view.__doc__ or "").strip().splitlines()
    data = schema_of(view.data_type, components)
    parameters = [
        {
            "name": path_name,
            "in": "path",
            "required": True,
            "description": "The current slug, or an old one.",
            "schema": SLUG_SCHEMA,
        }
        for path_name in path_names
    ]
    parameters += [
        {
            "name": parameter.name,
            "in": "query",
            "required": False,
            "description": parameter.description,
            "schema": (
                {"type": "array", "items": parameter.schema, "maxItems": 20}
                if parameter.repeatable
                else parameter.schema
            ),
            **({"style": "form", "explode": True} if parameter.repeatable else {}),
        }
        for parameter in view.query_parameters
    ]
    headers = {
        "ETag": {"schema": {"type": "string"}, "description": "Send it in If-None-Match."},
        "Last-Modified": {"schema": {"type": "string"}},
    }
    responses = {
        "200": {
            "description": "OK",
            "headers": headers,
            "content": {
                JSON: {"schema": page_schema(data) if issubclass(view, ApiListView) else data}
            },
        },
        "304": {"description": "Not modified since the ETag or date the request sent."},
        "404": {
            "description": "A slug names nothing public, or the page is beyond the last. An "
            "address that is no slug at all gets the site's HTML error page.",
            "content": {JSON: {"schema": ErrorRef}, "text/html": {"schema": {"type": "string"}}},
        },
    }
    responses["400"] = {
        "description": "A parameter is malformed or given more than once (JSON); or the "
        "request holds a NUL character, refused before any view (plain text).",
        "content": {JSON: {"schema": ErrorRef}, "text/plain": {"schema": {"type": "string"}}},
    }
    return {
        "operationId": name.replace(":", "-"),
        "summary": doc[0] if doc else name,
        "parameters": parameters,
        "responses": responses,
    }


def openapi_document() -> dict:
    """Return the OpenAPI 3.1 document of the JSON API."""
    components: dict[str, dict] = {}
    schema_of(ErrorData, components)
    paths = {}
    for route, name, view in api_routes():
        path, path_names = path_of(route)
        paths[path] = {"get": operation(view, name, path_names, components)}
    return {
        "openapi": OPENAPI_VERSION,
        "info": {
            "title": f"{settings.SITE_NAME} API",
            "version": API_VERSION,
            "description": "Read-only JSON of the public talks, series and speakers.",
        },
        "servers": [{"url": settings.SITE_URL}],
        "paths": paths,
        "components": {"schemas": dict(sorted(components.items()))},
    }


@cacheable
def openapi_json(request):
    """Serve the OpenAPI document (any site may read it, like the API)."""
    response = JsonResponse(openapi_document(), json_dumps_params={"ensure_ascii": False})
    response["Access-Control-Allow-Origin"] = "*"
    return response
