"""Who takes part in a case, which participants each user acts for, and the logged record of each act.

A participant is a rights-holder organisation whose complaint the case took
in. Staff act on every participant; a rights holder only for its own
organisation, and never sees another participant's notices, submissions,
requests or documents.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from evidence.records import participation_leaf, utc_timestamp
from portal.models import AgencyScope, Case, Complaint, LogEntry, Organisation, Role, User, utcnow
from portal.services import transparency
from portal.services.access import REVIEWERS, get_case, require_contributor, require_role
from portal.services.agency import acting_orgs, require_acting
from portal.services.errors import Forbidden, Invalid


def participants(session: Session, case: Case) -> list[Organisation]:
    ids = select(Complaint.org_id).where(Complaint.case_id == case.id)
    return list(session.scalars(select(Organisation).where(Organisation.id.in_(ids)).order_by(Organisation.id)))


def participant_ids(session: Session, case: Case) -> list[int]:
    return [org.id for org in participants(session, case)]


def staff_case(session: Session, actor: User, case_id: int) -> Case:
    """A case a prosecutor or supervisor acts on."""
    require_role(actor, REVIEWERS)
    return get_case(session, actor, case_id)


def participant_case(session: Session, actor: User, case_id: int, org_id: int | None = None) -> tuple[Case, int]:
    """A case the actor takes part in, and the participant they act for in it.

    An agent acting for several participants of the case names one (``org_id``).
    """
    case = get_case(session, actor, case_id)
    if actor.role is not Role.HOLDER or actor.org_id is None:
        raise Forbidden("Only the rights holders taking part in the case can do this.")
    require_contributor(actor)
    mine = visible_orgs(session, actor, case)
    if org_id is not None:
        if org_id not in mine:
            require_acting(session, actor, org_id, AgencyScope.PROCEEDINGS, "That organisation does not take part.")
            raise Invalid("That organisation does not take part in this case.", {"org_id": "Not a participant."})
        return case, org_id
    if len(mine) != 1:
        raise Invalid("Say which rights holder you act for in this case.", {"org_id": "Choose a principal."})
    return case, mine[0]


def visible_orgs(session: Session, actor: User, case: Case) -> list[int]:
    """The participants whose proceedings the actor may see: all for staff; for a rights holder its own,
    for an agent the principals whose powers cover proceedings."""
    taking_part = participant_ids(session, case)
    if actor.role in REVIEWERS:
        return taking_part
    acting = set(acting_orgs(session, actor, AgencyScope.PROCEEDINGS))
    return [org for org in taking_part if org in acting]


def check_participant(session: Session, case: Case, org_id: int) -> Organisation:
    org = session.get(Organisation, org_id)
    if org is None or org.id not in participant_ids(session, case):
        raise Invalid("That organisation does not take part in this case.", {"org_id": "Not a participant."})
    return org


def log_act(session: Session, act: str, case: Case, actor: User, fields: Mapping[str, Any]) -> LogEntry:
    """Put one act in the transparency log, in the caller's transaction."""
    record = {
        "case_id": case.id,
        "case_number": case.case_number,
        "actor_id": actor.id,
        "at": utc_timestamp(utcnow()),
        **fields,
    }
    return transparency.append(session, "participation", participation_leaf(act, record))
