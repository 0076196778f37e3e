"""The token's user: who they are, and the preferences a page sets."""

from __future__ import annotations

from flask.typing import ResponseReturnValue

from portal.api import bp, me_
from portal.api.contract import body, if_match, operation, paged, window
from portal.db import get_session
from portal.schemas import accounts as schema
from portal.schemas.base import Page, PageQuery
from portal.serialise import org_json, user_json
from portal.services import accounts
from portal.services.access import ADMINS, ORG_DECIDERS, require_role
from portal.services.paging import listed


@bp.get("/organisations/pending")
@operation(
    "Registrations waiting for a decision (prosecutors, supervisors, administrators)",
    tag="account",
    query=PageQuery,
    response=Page[schema.Organisation],
    errors=(403,),
)
def pending_organisations() -> ResponseReturnValue:
    return paged(listed(accounts.pending_organisations(get_session(), me_()), window()), org_json)


@bp.post("/organisations/<int:org_id>/decision")
@operation(
    "Approve or reject a registration",
    tag="account",
    body=schema.OrganisationDecision,
    response=schema.Organisation,
    errors=(403, 409),
)
def decide_organisation(org_id: int) -> ResponseReturnValue:
    require_role(me_(), ORG_DECIDERS)
    data: schema.OrganisationDecision = body()
    org = accounts.decide_organisation(get_session(), me_(), org_id, data.decision == "approve", data.reason)
    return org_json(org)


@bp.get("/admin/users")
@operation(
    "Staff accounts: prosecutors, supervisors, administrators (administrators)",
    tag="account",
    query=PageQuery,
    response=Page[schema.User],
    errors=(403,),
)
def staff_users() -> ResponseReturnValue:
    require_role(me_(), ADMINS)
    return paged(accounts.staff_users(get_session(), window()), user_json)


@bp.get("/me")
@operation("The token's user", tag="account", response=schema.User, etag="version")
def me() -> ResponseReturnValue:
    return user_json(me_())


@bp.patch("/me")
@operation(
    "Change your name, language or time zone",
    tag="account",
    body=schema.PreferenceChanges,
    response=schema.User,
    etag="version",
)
def change_me() -> ResponseReturnValue:
    user = me_()
    changes = body().model_dump(exclude_unset=True)
    accounts.set_preferences(
        get_session(),
        user,
        changes.get("language", user.language),
        changes.get("timezone", user.timezone),
        changes.get("name"),
        if_match(),
    )
    return user_json(user)
