"""Agents: law firms and brand-protection vendors acting for rights holders under powers of attorney.

An agent organisation's members act for each principal whose power of
attorney is on file, in force (between its dates, not revoked) and covers
what they are doing. Outside that they are refused with the reason, so an
agent knows to renew or widen the power rather than guess.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from portal.models import (
    AgencyScope,
    Organisation,
    OrgKind,
    OrgStatus,
    PowerOfAttorney,
    Role,
    User,
)
from portal.services.errors import Forbidden, NotFound
from portal.services.shanghai import today_in_china


def in_force(power: PowerOfAttorney, scope: AgencyScope, today: date) -> bool:
    return power.revoked_at is None and power.valid_from <= today <= power.valid_until and scope.value in power.scopes


def acting_orgs(session: Session, actor: User, scope: AgencyScope) -> list[int]:
    """The organisations the actor may act for in ``scope``: their own, or an agent's principals."""
    org = actor.organisation
    if actor.role is not Role.HOLDER or org is None or org.status is not OrgStatus.APPROVED:
        return []
    if org.kind is OrgKind.RIGHTS_HOLDER:
        return [org.id]
    today = today_in_china()
    powers = session.scalars(select(PowerOfAttorney).where(PowerOfAttorney.agent_org_id == org.id))
    return sorted({p.principal_org_id for p in powers if in_force(p, scope, today)})


def refusal(session: Session, actor: User, org_id: int, scope: AgencyScope) -> Forbidden | None:
    """Why an agent holding a power for ``org_id`` may not act now (its latest power decides);
    None if it never held one."""
    if not actor.is_agent:
        return None
    latest = session.scalars(
        select(PowerOfAttorney)
        .where(PowerOfAttorney.agent_org_id == actor.org_id, PowerOfAttorney.principal_org_id == org_id)
        .order_by(PowerOfAttorney.id.desc())
    ).first()
    if latest is None:
        return None
    today = today_in_china()
    name = latest.principal.legal_name
    if latest.revoked_at is not None:
        revoked = latest.revoked_at.date().isoformat()
        return Forbidden("%(name)s revoked your power of attorney on %(date)s.", name=name, date=revoked)
    if latest.valid_until < today:
        until = latest.valid_until.isoformat()
        return Forbidden("Your power of attorney for %(name)s expired on %(date)s.", name=name, date=until)
    if latest.valid_from > today:
        start = latest.valid_from.isoformat()
        return Forbidden("Your power of attorney for %(name)s is valid only from %(date)s.", name=name, date=start)
    if scope is AgencyScope.COMPLAINTS:
        return Forbidden(
            "Your power of attorney for %(name)s does not cover filing complaints and evidence.", name=name
        )
    return Forbidden("Your power of attorney for %(name)s does not cover taking part in cases.", name=name)


def require_acting(session: Session, actor: User, org_id: int, scope: AgencyScope, missing: str) -> None:
    """Refuse unless the actor acts for ``org_id``: with the agent's reason, or as not found."""
    if org_id in acting_orgs(session, actor, scope):
        return
    reason = refusal(session, actor, org_id, scope)
    if reason is not None:
        raise reason
    raise NotFound(missing)


def agents_for(session: Session, org_ids: Collection[int], scope: AgencyScope) -> list[int]:
    """Agent organisations acting in ``scope`` now for any of ``org_ids`` (they are told what their principals are)."""
    if not org_ids:
        return []
    today = today_in_china()
    powers = session.scalars(select(PowerOfAttorney).where(PowerOfAttorney.principal_org_id.in_(list(org_ids))))
    return sorted({p.agent_org_id for p in powers if in_force(p, scope, today)})


def principals(session: Session, actor: User, scope: AgencyScope) -> list[Organisation]:
    ids = acting_orgs(session, actor, scope)
    return list(session.scalars(select(Organisation).where(Organisation.id.in_(ids)).order_by(Organisation.legal_name)))
