"""IP rights over the API: what complaints rely on, recorded, changed and retired as on the rights page."""

from __future__ import annotations

from flask.typing import ResponseReturnValue

from portal.api import bp, me_
from portal.api.contract import body, if_match, operation, paged, window
from portal.db import get_session
from portal.models import IPRight
from portal.schemas import complaints as schema
from portal.schemas.base import Page, PageQuery
from portal.schemas.parse import parse_object
from portal.serialise import right_json
from portal.services import complaints
from portal.services.access import require_filer


def _input(fields: schema.RightFields, org_id: int | None = None) -> complaints.RightInput:
    return complaints.RightInput(
        right_type=fields.type,
        registration_number=fields.registration_number,
        registry=fields.registry,
        owner=fields.owner,
        valid_from=fields.valid_from,
        valid_until=fields.valid_until,
        scope=fields.scope,
        org_id=org_id,
    )


@bp.get("/rights")
@operation(
    "The rights of the organisations you file for, retired ones included",
    tag="rights",
    query=PageQuery,
    response=Page[schema.Right],
)
def list_rights() -> ResponseReturnValue:
    return paged(complaints.org_rights(get_session(), me_(), window()), right_json)


@bp.post("/rights")
@operation(
    "Record a right",
    tag="rights",
    body=schema.RightInput,
    response=schema.Right,
    status=201,
    errors=(403,),
    links={"right_id": "id"},
    etag="version",
)
def create_right() -> ResponseReturnValue:
    require_filer(me_())
    data: schema.RightInput = body()
    return right_json(complaints.add_right(get_session(), me_(), _input(data, data.org_id)))


@bp.get("/rights/<int:right_id>")
@operation("A right", tag="rights", response=schema.Right, etag="version")
def right_detail(right_id: int) -> ResponseReturnValue:
    return right_json(complaints.get_right(get_session(), me_(), right_id))


def _fields_of(right: IPRight) -> dict[str, object]:
    recorded = right_json(right)
    return {name: recorded[name] for name in schema.RightFields.model_fields}


@bp.patch("/rights/<int:right_id>")
@operation(
    "Change a right",
    tag="rights",
    description="Only the fields sent change. A right that submitted complaints rely on cannot change (409): "
    "retire it and record the new one.",
    body=schema.RightChanges,
    response=schema.Right,
    errors=(403, 409),
    etag="version",
)
def change_right(right_id: int) -> ResponseReturnValue:
    db = get_session()
    right = complaints.get_right(db, me_(), right_id)
    changes = body().model_dump(exclude_unset=True)
    merged = parse_object(schema.RightFields, {**_fields_of(right), **changes})
    return right_json(complaints.change_right(db, me_(), right_id, _input(merged), if_match()))


@bp.post("/rights/<int:right_id>/retire")
@operation(
    "Retire a right: new complaints cannot rely on it, those that did keep it",
    tag="rights",
    response=schema.Right,
    errors=(403,),
    etag="version",
)
def retire_right(right_id: int) -> ResponseReturnValue:
    return right_json(complaints.retire_right(get_session(), me_(), right_id))
