"""The token's user: who they are, and the preferences a page sets."""

from __future__ import annotations

from flask.typing import ResponseReturnValue

from portal.api import bp, me_
from portal.api.contract import body, if_match, operation, paged, window
from portal.db import get_session
from portal.models import Role
from portal.schemas import accounts as schema
from portal.schemas.base import Page, PageQuery
from portal.security import client_address, limiter
from portal.serialise import (
    account_event_json,
    browser_session_json,
    invitation_json,
    member_json,
    org_json,
    token_json,
    user_json,
)
from portal.services import account_log, accounts, email_links, members, tokens, two_factor
from portal.services.access import ADMINS, ORG_DECIDERS, require_org_admin, require_role
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


@bp.post("/password-reset")
@limiter.limit("20/hour;5/minute")
@operation(
    "Ask for a link to reset a forgotten password",
    tag="account",
    description="The link goes to the address if it has an account; the answer is the same either way. "
    "It works once, within an hour.",
    body=schema.PasswordResetRequest,
    response=schema.Accepted,
    status=202,
    errors=(429,),
    public=True,
)
def ask_password_reset() -> ResponseReturnValue:
    data: schema.PasswordResetRequest = body()
    email_links.ask_password_reset(get_session(), data.email, client_address())
    return {"detail": "If an account uses this address, a link to reset its password is on its way."}


@bp.post("/password-reset/confirm")
@limiter.limit("30/hour")
@operation(
    "Set a new password with the link's token",
    tag="account",
    description="Every signed-in browser is signed out; API tokens keep working and are listed in the answer.",
    body=schema.PasswordReset,
    response=schema.ResetDone,
    errors=(429,),
    public=True,
)
def reset_password() -> ResponseReturnValue:
    data: schema.PasswordReset = body()
    tokens = email_links.reset_password(get_session(), data.token, data.password, client_address())
    return {"tokens": [token_json(token) for token in tokens]}


@bp.post("/email-confirmation")
@limiter.limit("30/hour")
@operation(
    "Confirm an e-mail address with the link's token",
    tag="account",
    body=schema.EmailConfirmation,
    response=schema.Confirmed,
    errors=(409, 429),
    public=True,
)
def confirm_email() -> ResponseReturnValue:
    data: schema.EmailConfirmation = body()
    return {"email": email_links.confirm_email(get_session(), data.token, client_address()).email}


@bp.post("/me/email")
@operation(
    "Change your e-mail address",
    tag="account",
    description="A link goes to the new address; the address changes when it is followed.",
    body=schema.EmailChange,
    response=schema.Accepted,
    status=202,
    errors=(409,),
)
def change_email() -> ResponseReturnValue:
    data: schema.EmailChange = body()
    email_links.ask_email_change(get_session(), me_(), data.email, data.password, client_address())
    return {"detail": f"A link is on its way to {data.email}; the address changes when it is followed."}


@bp.post("/me/email/confirmation")
@limiter.limit("5/hour")
@operation(
    "Send the link that confirms your e-mail address again",
    tag="account",
    response=schema.Accepted,
    status=202,
    errors=(409, 429),
)
def send_confirmation() -> ResponseReturnValue:
    email_links.send_verification(get_session(), me_())
    return {"detail": f"A new link is on its way to {me_().email}."}


@bp.get("/tokens")
@operation(
    "Your API tokens, expired ones included (revoked ones are gone)",
    tag="account",
    query=PageQuery,
    response=Page[schema.Token],
)
def list_tokens() -> ResponseReturnValue:
    return paged(tokens.own(get_session(), me_(), window()), token_json)


@bp.post("/tokens")
@operation(
    "Create an API token",
    tag="account",
    description="The secret is in this answer only. Scopes cannot exceed what your role allows (403).",
    body=schema.TokenInput,
    response=schema.IssuedToken,
    status=201,
    errors=(403,),
)
def create_token() -> ResponseReturnValue:
    data: schema.TokenInput = body()
    issued = tokens.create(get_session(), me_(), data.name, [s.value for s in data.scopes], data.days, client_address())
    return {**token_json(issued.token), "token": issued.secret}


@bp.delete("/tokens/<int:token_id>")
@operation(
    "Revoke an API token: yours, or, for an organisation's administrator, a member's",
    tag="account",
    status=204,
)
def revoke_token(token_id: int) -> None:
    tokens.revoke(get_session(), me_(), token_id, client_address())


@bp.get("/organisation/tokens")
@operation(
    "Every member's API tokens (the organisation's administrators)",
    tag="account",
    query=PageQuery,
    response=Page[schema.Token],
    errors=(403,),
)
def organisation_tokens() -> ResponseReturnValue:
    return paged(tokens.of_organisation(get_session(), me_(), window()), token_json)


@bp.get("/organisation/members")
@operation(
    "The members of your organisation",
    tag="account",
    query=PageQuery,
    response=Page[schema.Member],
    errors=(404,),
)
def list_members() -> ResponseReturnValue:
    return paged(members.members(get_session(), me_(), window()), member_json)


@bp.patch("/organisation/members/<int:user_id>")
@operation(
    "Change a member's role (administrators)",
    tag="account",
    description="An organisation keeps at least one administrator (409).",
    body=schema.MemberChange,
    response=schema.Member,
    errors=(403, 409),
)
def change_member(user_id: int) -> ResponseReturnValue:
    members.get_member(get_session(), me_(), user_id)
    data: schema.MemberChange = body()
    return member_json(members.change_role(get_session(), me_(), user_id, data.role, client_address()))


@bp.delete("/organisation/members/<int:user_id>")
@operation(
    "Remove a member: their sessions end and their tokens are revoked at once (administrators)",
    tag="account",
    status=204,
    errors=(403, 409),
)
def remove_member(user_id: int) -> None:
    members.remove(get_session(), me_(), user_id, client_address())


@bp.get("/organisation/invitations")
@operation(
    "Invitations not yet accepted (administrators)",
    tag="account",
    query=PageQuery,
    response=Page[schema.InvitationOut],
    errors=(403,),
)
def list_invitations() -> ResponseReturnValue:
    require_org_admin(me_())
    return paged(members.pending(get_session(), me_(), window()), invitation_json)


@bp.post("/organisation/invitations")
@operation(
    "Invite a colleague by e-mail (administrators)",
    tag="account",
    description="The mail's single-use link lets them choose their own password; it works for 7 days. Inviting "
    "the same address again replaces the earlier invitation.",
    body=schema.InvitationInput,
    response=schema.InvitationOut,
    status=201,
    errors=(403, 409),
    links={"invitation_id": "id"},
)
def invite_member() -> ResponseReturnValue:
    require_org_admin(me_())
    data: schema.InvitationInput = body()
    return invitation_json(members.invite(get_session(), me_(), data.email, data.role, client_address()))


@bp.delete("/organisation/invitations/<int:invitation_id>")
@operation("Withdraw an invitation (administrators)", tag="account", status=204, errors=(409,))
def withdraw_invitation(invitation_id: int) -> None:
    members.withdraw(get_session(), me_(), invitation_id, client_address())


@bp.delete("/admin/invitations/<int:staff_invitation_id>")
@operation("Withdraw a staff invitation (administrators)", tag="account", status=204, errors=(403, 409))
def withdraw_staff_invitation(staff_invitation_id: int) -> None:
    require_role(me_(), ADMINS)
    members.withdraw(get_session(), me_(), staff_invitation_id, client_address())


@bp.get("/admin/invitations")
@operation(
    "Staff invitations not yet accepted (administrators)",
    tag="account",
    query=PageQuery,
    response=Page[schema.InvitationOut],
    errors=(403,),
)
def staff_invitations() -> ResponseReturnValue:
    require_role(me_(), ADMINS)
    return paged(members.pending(get_session(), me_(), window()), invitation_json)


@bp.post("/admin/invitations")
@operation(
    "Invite a prosecutor, supervisor or administrator by e-mail (administrators)",
    tag="account",
    body=schema.StaffInvitationInput,
    response=schema.InvitationOut,
    status=201,
    errors=(403, 409),
)
def invite_staff() -> ResponseReturnValue:
    require_role(me_(), ADMINS)
    data: schema.StaffInvitationInput = body()
    return invitation_json(members.invite_staff(get_session(), me_(), data.email, Role(data.role), client_address()))


@bp.post("/invitations/accept")
@limiter.limit("30/hour")
@operation(
    "Accept an invitation with the link's token, choosing a password",
    tag="account",
    body=schema.InvitationAcceptance,
    response=schema.User,
    errors=(409, 429),
    public=True,
)
def accept_invitation() -> ResponseReturnValue:
    data: schema.InvitationAcceptance = body()
    return user_json(members.accept(get_session(), data.token, data.name, data.password, client_address()))


@bp.get("/me/sessions")
@operation(
    "The browsers signed in to your account",
    tag="account",
    query=PageQuery,
    response=Page[schema.BrowserSession],
)
def list_sessions() -> ResponseReturnValue:
    return paged(listed(accounts.login_sessions(get_session(), me_()), window()), browser_session_json)


@bp.delete("/me/sessions/<int:session_id>")
@operation("Sign out one of your browsers", tag="account", status=204)
def end_session(session_id: int) -> None:
    accounts.end_login_session_of(get_session(), me_(), session_id, client_address())


@bp.get("/me/log")
@operation(
    "Your account's log: sign-ins, failures and changes, newest first",
    tag="account",
    query=PageQuery,
    response=Page[schema.AccountEvent],
)
def own_log() -> ResponseReturnValue:
    return paged(account_log.own(get_session(), me_(), window()), account_event_json)


@bp.get("/organisation/log")
@operation(
    "Your organisation's log (administrators)",
    tag="account",
    query=PageQuery,
    response=Page[schema.AccountEvent],
    errors=(403,),
)
def organisation_log() -> ResponseReturnValue:
    return paged(account_log.of_organisation(get_session(), me_(), window()), account_event_json)


@bp.get("/admin/log")
@operation(
    "Every account's log, staff included (administrators)",
    tag="account",
    query=PageQuery,
    response=Page[schema.AccountEvent],
    errors=(403,),
)
def full_log() -> ResponseReturnValue:
    return paged(account_log.everything(get_session(), me_(), window()), account_event_json)


@bp.patch("/organisation")
@operation(
    "Change your organisation's settings (administrators)",
    tag="account",
    description="With require_two_factor, members without a second factor reach only its setup page until they "
    "have one.",
    body=schema.OrganisationChanges,
    response=schema.Organisation,
    errors=(403,),
)
def change_organisation() -> ResponseReturnValue:
    require_org_admin(me_())
    data: schema.OrganisationChanges = body()
    two_factor.set_organisation_requirement(get_session(), me_(), data.require_two_factor, client_address())
    org = me_().organisation
    assert org is not None
    return org_json(org)
