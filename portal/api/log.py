"""Public transparency-log endpoints: anyone may check the log without an account."""

from __future__ import annotations

import base64

from flask import Response
from flask.typing import ResponseReturnValue

from portal.api import bp
from portal.api.contract import operation, query
from portal.db import get_session
from portal.schemas import log as schema
from portal.services import transparency
from portal.services.errors import NotFound


def _b64(hashes: list[bytes]) -> list[str]:
    return [base64.b64encode(h).decode() for h in hashes]


@bp.get("/log/checkpoint")
@operation(
    "The log's latest signed checkpoint",
    tag="log",
    public=True,
    produces={"text/plain": "A signed note (C2SP tlog-checkpoint): origin, size, root hash, signatures."},
)
def log_checkpoint() -> ResponseReturnValue:
    checkpoint = transparency.latest_checkpoint(get_session())
    if checkpoint is None:
        raise NotFound("The log has no checkpoint yet.")
    return Response(checkpoint.note, mimetype="text/plain", headers={"Cache-Control": "no-cache"})


@bp.get("/log/proof/inclusion")
@operation(
    "Proof that a leaf is in the tree of a size",
    tag="log",
    public=True,
    query=schema.InclusionQuery,
    response=schema.InclusionProof,
)
def log_inclusion_proof() -> ResponseReturnValue:
    wanted: schema.InclusionQuery = query()
    hashes = transparency.inclusion_proof(get_session(), wanted.index, wanted.size)
    return {"index": wanted.index, "size": wanted.size, "hashes": _b64(hashes)}


@bp.get("/log/proof/consistency")
@operation(
    "Proof that a tree extends an older one",
    tag="log",
    public=True,
    query=schema.ConsistencyQuery,
    response=schema.ConsistencyProof,
)
def log_consistency_proof() -> ResponseReturnValue:
    wanted: schema.ConsistencyQuery = query()
    hashes = transparency.consistency_proof(get_session(), wanted.old, wanted.new)
    return {"from": wanted.old, "to": wanted.new, "hashes": _b64(hashes)}
