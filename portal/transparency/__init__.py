"""Public pages: the log's latest checkpoint and the keys that sign it, for anyone to check against."""

from __future__ import annotations

import hashlib

from flask import Blueprint, Response, render_template

from evidence.keys import public_pem
from portal.db import get_session
from portal.services import transparency
from portal.signing import get_notary

bp = Blueprint("transparency", __name__, url_prefix="/transparency")


@bp.get("/")
def log() -> str:
    notary = get_notary()
    db = get_session()
    checkpoint = transparency.latest_checkpoint(db)
    token = None
    if checkpoint is not None:
        token = notary.token_info(checkpoint.timestamp_token, hashlib.sha256(checkpoint.note.encode()).digest())
    return render_template(
        "transparency/log.html", checkpoint=checkpoint, size=transparency.size(db), token=token, origin=notary.origin
    )


@bp.get("/keys")
def keys() -> str:
    notary = get_notary()
    tsa = notary.timestamps
    return render_template(
        "transparency/keys.html",
        keys=notary.published_keys(),
        public_pem=public_pem,
        tsa_roots=tsa.roots if tsa else (),
        tsa=tsa,
    )


@bp.get("/trust.pem")
def trust_file() -> Response:
    response = Response(get_notary().trust_file(), mimetype="application/x-pem-file")
    response.headers["Content-Disposition"] = 'attachment; filename="trust.pem"'
    return response
