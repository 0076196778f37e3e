"""Shared infringers over the API (prosecutors)."""

from __future__ import annotations

from typing import Any

from flask import jsonify
from flask.typing import ResponseReturnValue

from portal.api import bp, me_
from portal.db import get_session
from portal.services import infringers


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
