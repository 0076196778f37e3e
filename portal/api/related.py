"""Shared infringers and search over the API (prosecutors)."""

from __future__ import annotations

from typing import Any

from flask import jsonify, request
from flask.typing import ResponseReturnValue

from portal.api import bp, me_
from portal.db import get_session
from portal.serialise import complaint_json
from portal.services import infringers, search


def _shared_json(shared: infringers.Shared) -> dict[str, Any]:
    return {
        "kind": shared.kind,
        "value": shared.value,
        "complaints": [
            {"id": c.id, "reference": c.reference, "organisation": c.organisation.legal_name, "status": c.status.value}
            for c in shared.complaints
        ],
    }


@bp.get("/review/infringers")
def shared_infringers() -> ResponseReturnValue:
    return jsonify(items=[_shared_json(s) for s in infringers.groups(get_session(), me_())])


@bp.get("/complaints/<int:complaint_id>/shared-infringers")
def complaint_shared_infringers(complaint_id: int) -> ResponseReturnValue:
    return jsonify(items=[_shared_json(s) for s in infringers.shared_with(get_session(), me_(), complaint_id)])


@bp.get("/review/search")
def search_complaints() -> ResponseReturnValue:
    found = search.search(get_session(), me_(), request.args.get("q", ""))
    return jsonify(items=[complaint_json(c) for c in found])
