"""Checking values against a model, with errors that name each field."""

from __future__ import annotations

from collections.abc import Mapping
from types import UnionType
from typing import Any, TypeVar, Union, get_args, get_origin

from pydantic import BaseModel, ValidationError

from portal.services.errors import Invalid

M = TypeVar("M", bound=BaseModel)


class InvalidRequest(Invalid):
    """Values the declared types and limits refuse; a rule of the portal's refuses with Invalid instead."""

    code = "invalid_request"


def invalid(exc: ValidationError) -> Invalid:
    fields: dict[str, str] = {}
    for error in exc.errors(include_url=False):
        name = ".".join(str(part) for part in error["loc"]) or "body"
        fields.setdefault(name, error["msg"])
    detail = "; ".join(f"{name}: {message}" for name, message in list(fields.items())[:5])
    return InvalidRequest(detail, fields)


def _is_list(annotation: Any) -> bool:
    origin = get_origin(annotation)
    if origin in (Union, UnionType):
        return any(_is_list(arg) for arg in get_args(annotation))
    return origin is list


def _values(model: type[BaseModel], source: Mapping[str, Any]) -> dict[str, Any]:
    values: dict[str, Any] = {}
    getlist = getattr(source, "getlist", None)
    for name, info in model.model_fields.items():
        key = info.alias or name
        if key not in source:
            continue
        values[key] = getlist(key) if _is_list(info.annotation) and getlist else source[key]
    return values


def parse_object(model: type[M], values: Mapping[str, Any]) -> M:
    """Values already typed (a change merged into what is recorded), checked by ``model``."""
    try:
        return model.model_validate(values)
    except ValidationError as exc:
        raise invalid(exc) from None


def parse(model: type[M], source: Mapping[str, Any]) -> M:
    """Values that arrive as strings (query parameters, form fields), converted and checked by ``model``."""
    try:
        return model.model_validate(_values(model, source))
    except ValidationError as exc:
        raise invalid(exc) from None
