"""Powers of attorney over the API: principals grant and revoke them, agents read what they hold."""

from __future__ import annotations

from flask.typing import ResponseReturnValue

from portal.api import bp, me_
from portal.api.contract import operation, paged, window
from portal.db import get_session
from portal.schemas.accounts import Organisation
from portal.schemas.base import Page, PageQuery
from portal.schemas.powers import Power, PowerFields
from portal.serialise import org_json, power_json
from portal.services import powers
from portal.signing import get_notary
from portal.storage import get_store
from portal.uploads import power_grant, receive_upload


@bp.get("/agents")
@operation(
    "Agent organisations (law firms, brand-protection vendors)",
    tag="powers",
    query=PageQuery,
    response=Page[Organisation],
)
def agent_organisations() -> ResponseReturnValue:
    return paged(powers.agent_organisations(get_session(), window()), org_json)


@bp.get("/powers-of-attorney")
@operation("Powers of attorney you granted or hold", tag="powers", query=PageQuery, response=Page[Power])
def list_powers() -> ResponseReturnValue:
    return paged(powers.powers(get_session(), me_(), window()), power_json)


@bp.post("/powers-of-attorney")
@operation(
    "Grant a power of attorney to an agent (a rights holder's administrator)",
    tag="powers",
    description="The signed power of attorney is the upload; it is kept as evidence.",
    upload=True,
    fields=PowerFields,
    response=Power,
    status=201,
    errors=(403,),
    links={"power_id": "id"},
)
def grant_power() -> ResponseReturnValue:
    powers.principal_admin(me_())
    store = get_store()
    with receive_upload(store, me_()) as upload:
        grant = power_grant(upload)
        power = powers.grant(get_session(), store, get_notary(), me_(), grant, upload.filename, upload.finish)
    return power_json(power)


@bp.post("/powers-of-attorney/<int:power_id>/revoke")
@operation("Revoke a power of attorney", tag="powers", response=Power, errors=(403, 409))
def revoke_power(power_id: int) -> ResponseReturnValue:
    return power_json(powers.revoke(get_session(), me_(), power_id))
