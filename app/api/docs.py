"""The API's human page (/docs/api): the OpenAPI document of app/api/openapi.py, read aloud.

Generated from the same data as /api/v1/openapi.json, so the page cannot describe another
API than the one served. Outside /api/ on purpose: it is a page of the site, with the site's
session and navigation.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask import Blueprint, render_template
from flask_babel import gettext as _

from app.api.openapi import API_PREFIX, openapi_document
from app.core.security import public

bp = Blueprint("api_docs", __name__)

METHOD_ORDER = ("get", "post", "put", "patch", "delete")


@dataclass(frozen=True)
class Parameter:
    name: str
    where: str
    type: str
    required: bool
    description: str


@dataclass(frozen=True)
class Operation:
    id: str
    method: str
    path: str
    summary: str
    description: str
    scope: str | None
    parameters: list[Parameter]
    body: str | None  # schema name
    body_types: list[str]
    responses: list[tuple[str, str]]  # (status, description)
    example: str


@dataclass(frozen=True)
class Group:
    name: str
    description: str
    operations: list[Operation]


def _resolve(document: dict[str, Any], item: dict[str, Any]) -> dict[str, Any]:
    """Follow a local $ref ("#/components/…") to what it names."""
    while "$ref" in item:
        node: Any = document
        for part in item["$ref"].removeprefix("#/").split("/"):
            node = node[part]
        item = node
    return item


def type_text(schema: dict[str, Any]) -> str:
    """A schema in a few words: "integer (1–100)", "list of: rct, cohort, …"."""
    if "$ref" in schema:
        return schema["$ref"].rsplit("/", 1)[-1]
    for either in ("oneOf", "anyOf"):  # pydantic writes optional values as anyOf [x, null]
        if either in schema:
            return _(" or ").join(type_text(s) for s in schema[either])
    kind = schema.get("type", "any")
    if isinstance(kind, list):
        kind = _(" or ").join(kind)
    if kind == "array":
        return _("list of %(type)s", type=type_text(schema.get("items", {})))
    if "enum" in schema:
        values = [str(v) for v in schema["enum"]]
        shown = ", ".join(values[:8])
        if len(values) > 8:
            shown += ", … " + _("(%(count)s values)", count=len(values))
        return _("one of: %(values)s", values=shown)
    low, high = schema.get("minimum"), schema.get("maximum")
    if low is not None or high is not None:
        return f"{kind} ({'' if low is None else low}–{'' if high is None else high})"
    return str(kind)


def _body_text(schema: dict[str, Any]) -> str:
    """A named schema by its name (the page lists them); an inline one by its fields."""
    if "$ref" in schema:
        return type_text(schema)
    return _("a form with the fields %(fields)s", fields=", ".join(schema.get("properties", {})))


def _operation(document: dict[str, Any], method: str, path: str, op: dict[str, Any]) -> Operation:
    parameters = []
    for raw in op.get("parameters", []):
        param = _resolve(document, raw)
        parameters.append(
            Parameter(
                name=param["name"],
                where=param["in"],
                type=type_text(param.get("schema", {})),
                required=bool(param.get("required")),
                description=param.get("description", ""),
            )
        )
    body = op.get("requestBody", {}).get("content", {})
    body_schema = next(iter(body.values()), {}).get("schema", {}) if body else {}
    responses = []
    for status, response in op["responses"].items():
        responses.append((status, _resolve(document, response).get("description", "")))
    return Operation(
        id=op["operationId"],
        method=method.upper(),
        path=API_PREFIX + path,
        summary=op["summary"],
        description=op.get("description", ""),
        scope=op.get("x-required-scope"),
        parameters=parameters,
        body=_body_text(body_schema) if body_schema else None,
        body_types=list(body),
        responses=responses,
        example=op.get("x-example", ""),
    )


def api_groups(document: dict[str, Any]) -> list[Group]:
    """The operations by tag, in the document's tag order."""
    groups = {tag["name"]: Group(tag["name"], tag["description"], []) for tag in document["tags"]}
    for path, item in document["paths"].items():
        for method in METHOD_ORDER:
            if method in item:
                op = item[method]
                groups[op["tags"][0]].operations.append(_operation(document, method, path, op))
    return [g for g in groups.values() if g.operations]


@bp.get("/docs/api")
@public
def api_docs() -> str:
    document = openapi_document()
    return render_template(
        "api/docs.html",
        document=document,
        groups=api_groups(document),
        schemas=document["components"]["schemas"],
        type_text=type_text,
    )
