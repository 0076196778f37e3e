"""Public transparency-log endpoints: anyone may check the log without an account."""

from __future__ import annotations

import base64

from flask import Response, request
from flask.typing import ResponseReturnValue

from portal.api import bp
from portal.db import get_session
from portal.services import transparency
from portal.services.errors import Invalid, NotFound


def _int_arg(name: str) -> int:
    raw = request.args.get(name, "")
    if not raw.isdigit():
        raise Invalid(f"{name} must be a whole number.", {name: "A whole number is required."})
    return int(raw)


def _b64(hashes: list[bytes]) -> list[str]:
    return [base64.b64encode(h).decode() for h in hashes]


@bp.get("/log/checkpoint")
def log_checkpoint() -> ResponseReturnValue:
    checkpoint = transparency.latest_checkpoint(get_session())
    if checkpoint is None:
        raise NotFound("The log has no checkpoint yet.")
    return Response(checkpoint.note, mimetype="text/plain", headers={"Cache-Control": "no-cache"})


@bp.get("/log/proof/inclusion")
def log_inclusion_proof() -> ResponseReturnValue:
    index, size = _int_arg("index"), _int_arg("size")
    hashes = transparency.inclusion_proof(get_session(), index, size)
    return {"index": index, "size": size, "hashes": _b64(hashes)}


@bp.get("/log/proof/consistency")
def log_consistency_proof() -> ResponseReturnValue:
    old, new = _int_arg("from"), _int_arg("to")
    hashes = transparency.consistency_proof(get_session(), old, new)
    return {"from": old, "to": new, "hashes": _b64(hashes)}
