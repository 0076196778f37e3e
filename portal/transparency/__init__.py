"""Public pages: the log's latest checkpoint and the keys that sign it, for anyone to check against."""

from __future__ import annotations

import hashlib

from cryptography.hazmat.primitives.serialization import Encoding
from flask import Blueprint, Response, render_template

from evidence.keys import ROLES, PublicKeyInfo, public_pem
from evidence.signed_note import Verifier
from evidence.timestamps import TokenInfo, verify_token
from portal.db import get_session
from portal.services import transparency
from portal.signing import get_notary

bp = Blueprint("transparency", __name__, url_prefix="/transparency")


@bp.get("/")
def log() -> str:
    notary = get_notary()
    db = get_session()
    checkpoint = transparency.latest_checkpoint(db)
    token: TokenInfo | None = None
    if checkpoint is not None and checkpoint.timestamp_token and notary.timestamps is not None:
        token = verify_token(
            checkpoint.timestamp_token, hashlib.sha256(checkpoint.note.encode()).digest(), list(notary.timestamps.roots)
        )
    return render_template(
        "transparency/log.html", checkpoint=checkpoint, size=transparency.size(db), token=token, origin=notary.origin
    )


def _keys() -> list[tuple[PublicKeyInfo, str | None]]:
    notary = get_notary()
    return [
        (info, Verifier(notary.origin, info.public_key).encode() if role == "checkpoint" else None)
        for role in ROLES
        for info in notary.keys.public_keys(role)
    ]


@bp.get("/keys")
def keys() -> str:
    notary = get_notary()
    tsa = notary.timestamps
    return render_template(
        "transparency/keys.html", keys=_keys(), public_pem=public_pem, tsa_roots=tsa.roots if tsa else (), tsa=tsa
    )


@bp.get("/trust.pem")
def trust_file() -> Response:
    """Every active and retired key and the TSA root in one file: ``evidence-verify --trust trust.pem``."""
    notary = get_notary()
    parts = []
    for info, verifier_key in _keys():
        parts.append(f"# {info.role} key, SHA-256 fingerprint {info.fingerprint}\n")
        parts.append(verifier_key + "\n" if verifier_key else public_pem(info.public_key))
    if notary.timestamps is not None:
        parts += ["# TSA root certificate\n"] + [r.public_bytes(Encoding.PEM).decode() for r in notary.timestamps.roots]
    response = Response("".join(parts), mimetype="application/x-pem-file")
    response.headers["Content-Disposition"] = 'attachment; filename="trust.pem"'
    return response
