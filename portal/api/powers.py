"""Powers of attorney over the API: principals grant and revoke them, agents read what they hold."""

from __future__ import annotations

from flask import jsonify
from flask.typing import ResponseReturnValue

from portal.api import bp, me_
from portal.db import get_session
from portal.serialise import org_json, power_json
from portal.services import powers
from portal.signing import get_notary
from portal.storage import get_store
from portal.uploads import power_grant, receive_upload


@bp.get("/agents")
def agent_organisations() -> ResponseReturnValue:
    return jsonify(items=[org_json(org) for org in powers.agent_organisations(get_session())])


@bp.get("/powers-of-attorney")
def list_powers() -> ResponseReturnValue:
    return jsonify(items=[power_json(p) for p in powers.powers(get_session(), me_())])


@bp.post("/powers-of-attorney")
def grant_power() -> ResponseReturnValue:
    powers.principal_admin(me_())
    store = get_store()
    with receive_upload(store) as upload:
        power = powers.grant(
            get_session(), store, get_notary(), me_(), power_grant(upload.values), upload.filename, upload.finish
        )
    return jsonify(power_json(power)), 201


@bp.post("/powers-of-attorney/<int:power_id>/revoke")
def revoke_power(power_id: int) -> ResponseReturnValue:
    return jsonify(power_json(powers.revoke(get_session(), me_(), power_id)))
