"""Base classes and the field types the models share."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Annotated, Any, Generic, TypeVar

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, Strict, WithJsonSchema, create_model
from pydantic.fields import FieldInfo

ROW_ID_MAX = 2**31 - 1  # the largest INTEGER, the type of every row id


class Input(BaseModel):
    """A request body or its parts: a field nobody declared is refused by name, never dropped."""

    model_config = ConfigDict(extra="forbid")


class Query(BaseModel):
    """Query parameters; values arrive as strings and are converted."""

    model_config = ConfigDict(extra="ignore")


def _unchanged(schema: dict[str, Any]) -> None:
    """Absent means unchanged, not a default value."""
    schema.pop("default", None)


def changes_to(model: type[Input], name: str) -> type[Input]:
    """The fields of ``model``, each optional: a change sends only what it changes (null only where allowed)."""
    fields: dict[str, Any] = {
        field: (info.annotation, FieldInfo.merge_field_infos(info, default=None, json_schema_extra=_unchanged))
        for field, info in model.model_fields.items()
    }
    doc = "The fields to change; those not sent stay as they are."
    partial: type[Input] = create_model(name, __base__=Input, __doc__=doc, **fields)
    return partial


class Output(BaseModel):
    """A response body: what the portal sends must be what the document declares."""

    model_config = ConfigDict(extra="forbid")


def _query_bool(value: object) -> object:
    return {"true": True, "false": False}.get(value, value) if isinstance(value, str) else value


QueryBool = Annotated[bool, BeforeValidator(_query_bool), Strict()]
"""A boolean query parameter: true or false, nothing else."""


def _whole(value: object) -> object:
    """JSON Schema counts 3.0 as an integer; so does the API, while "3" and true stay refused."""
    return int(value) if isinstance(value, float) and value.is_integer() else value


# After an integer's constraints, so that they still appear in the document as minimum and maximum.
WHOLE = BeforeValidator(_whole)

Text = Annotated[str, Field(pattern=r"^[^\x00]*$")]
"""Text a person or system sends: anything but NUL, which no database column can hold."""

Id = Annotated[int, Field(ge=1, le=ROW_ID_MAX, description="A row id.", examples=[1]), WHOLE]
Count = Annotated[int, Field(ge=0, le=ROW_ID_MAX), WHOLE]
MONEY_PATTERN = r"^\d{1,15}(\.\d{1,2})?$"


def _money(value: object) -> object:
    """An amount: a string such as "1250.50", or a whole number; never a binary fraction that rounds."""
    if isinstance(value, bool):
        return value
    if isinstance(value, float):
        if not value.is_integer():
            raise ValueError('a number with a fraction: send it as a string, such as "1250.50"')
        value = int(value)
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, str) and not re.fullmatch(MONEY_PATTERN, value):
        raise ValueError("an amount such as 1250.50: digits, and at most two after the point")
    return Decimal(value) if isinstance(value, str) else value


Money = Annotated[
    Decimal,
    Field(ge=0, lt=Decimal("1e15")),
    BeforeValidator(_money),
    WithJsonSchema(
        {
            "anyOf": [
                {"type": "string", "pattern": MONEY_PATTERN},
                {"type": "integer", "minimum": 0, "maximum": 10**15 - 1},
            ],
            "description": 'An amount: a string such as "1250.50", or a whole number.',
            "examples": ["1250.50"],
        }
    ),
]
Currency = Annotated[
    str, Field(min_length=3, max_length=3, pattern=r"^[A-Za-z]{3}$", description="ISO 4217 code.", examples=["CNY"])
]
KeyCursor = Annotated[
    str,
    Field(
        max_length=64,
        pattern=r"^[A-Za-z0-9_-]+$",
        description="Where to go on from: take it from the `next` or `previous` link, whose value it is.",
    ),
]
Sha256 = Annotated[str, Field(pattern=r"^[0-9a-f]{64}$", description="SHA-256, lower-case hex.")]

T = TypeVar("T")


class Page(Output, Generic[T]):
    items: list[T]
    next: str | None = Field(description="The URL of the next page; null on the last.")


class KeyedPage(Output, Generic[T]):
    """A page of a list reached by key from the page before or after it: follow `next` and `previous`, which
    cost the same however deep they lead."""

    items: list[T]
    total: int = Field(description="How many match, counted up to a ceiling: 1,000 for search, 10,000 elsewhere.")
    total_exact: bool = Field(description="False when more than `total` match.")
    next: str | None = Field(description="The URL of the next page; null on the last.")
    previous: str | None = Field(description="The URL of the page before; null on the first.")


class KeyedQuery(Query):
    limit: int = Field(50, ge=1, le=200, description="Items per page.")
    cursor: KeyCursor | None = None


class PageQuery(Query):
    limit: int = Field(50, ge=1, le=200, description="Items per page.")
    cursor: int | None = Field(
        None, ge=0, le=ROW_ID_MAX, description="Where to go on from: take it from the `next` link, whose value it is."
    )


class Problem(Output):
    """RFC 9457 problem details, with the portal's own members beside the standard ones."""

    type: str = Field("about:blank", description="about:blank: the status says what kind of problem it is.")
    title: str = Field(description="The HTTP status phrase.", examples=["Unprocessable Content"])
    status: int = Field(examples=[422])
    detail: str = Field(description="What was wrong, for a person to read.", examples=["title: Field required"])
    code: str = Field(description="A stable machine-readable code.", examples=["invalid"])
    fields: dict[str, str] | None = Field(
        None,
        description="For each field in error (dotted path into the body), what is wrong with it.",
        examples=[{"title": "Field required"}],
    )
    error_id: str | None = Field(None, description="500 and 503: the id under which the failure is logged.")
