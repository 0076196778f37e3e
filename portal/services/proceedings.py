"""One case's proceedings as each side sees them: participants, notices, deadlines, requests,
hearings, documents, submissions, and one timeline of it all."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from portal.models import (
    Case,
    CaseDocument,
    CaseRequest,
    Complaint,
    EvidenceItem,
    Hearing,
    Notice,
    Organisation,
    ServedDecision,
    Submission,
    User,
)
from portal.services import case_requests, deadlines, documents, hearings, notices, submissions
from portal.services.access import REVIEWERS
from portal.services.participation import participants, visible_orgs


@dataclass(frozen=True)
class Entry:
    at: datetime
    what: str
    """notice, acknowledgement, decision, request, submission, hearing, document, stage"""
    org_id: int | None
    subject: Any


@dataclass(frozen=True)
class Overview:
    staff: bool
    participants: list[Organisation]
    standings: list[notices.Standing]
    notices: list[Notice]
    deadlines: list[deadlines.Deadline]
    requests: list[CaseRequest]
    hearings: list[Hearing]
    documents: list[CaseDocument]
    submissions: list[Submission]
    evidence: list[EvidenceItem]
    """The actor's own evidence in the case, which their submissions can cite."""
    timeline: list[Entry]


def overview(session: Session, actor: User, case: Case) -> Overview:
    staff = actor.role in REVIEWERS
    orgs = visible_orgs(session, actor, case)
    served = notices.notices_for(session, actor, case)
    asked = case_requests.requests_in(session, actor, case)
    heard = hearings.hearings_in(session, case)
    shared = documents.case_documents(session, case) if staff else _shared(session, case, orgs)
    sent = submissions.submissions_in(session, actor, case)
    evidence = [] if staff else _evidence(session, case, orgs)
    decisions = list(session.scalars(select(ServedDecision).where(ServedDecision.case_id == case.id)))
    entries = [Entry(n.served_at, "notice", n.org_id, n) for n in served]
    entries += [Entry(n.acknowledged_at, "acknowledgement", n.org_id, n) for n in served if n.acknowledged_at]
    entries += [Entry(d.recorded_at, "decision", None, d) for d in decisions]
    entries += [Entry(r.created_at, "request", r.org_id, r) for r in asked]
    entries += [Entry(s.submitted_at, "submission", s.org_id, s) for s in sent]
    entries += [Entry(h.updated_at, "hearing", None, h) for h in heard]
    entries += [Entry(d.created_at, "document", None, d) for d in shared]
    entries += [Entry(c.recorded_at, "stage", None, c) for c in case.stage_changes]
    return Overview(
        staff=staff,
        participants=[o for o in participants(session, case) if o.id in orgs],
        standings=notices.standings(session, actor, case.id) if staff else [],
        notices=served,
        deadlines=deadlines.deadlines(session, actor, case),
        requests=asked,
        hearings=heard,
        documents=shared,
        submissions=sent,
        evidence=evidence,
        timeline=sorted(entries, key=lambda e: e.at, reverse=True),
    )


def _shared(session: Session, case: Case, orgs: list[int]) -> list[CaseDocument]:
    """Documents shared with any of ``orgs``, once each (an agent may act for several)."""
    found = {doc.id: doc for org in orgs for doc in documents.shared_with(session, case, org)}
    return [found[key] for key in sorted(found)]


def _evidence(session: Session, case: Case, orgs: list[int]) -> list[EvidenceItem]:
    query = (
        select(EvidenceItem)
        .join(Complaint, EvidenceItem.complaint_id == Complaint.id)
        .where(Complaint.case_id == case.id, Complaint.org_id.in_(orgs))
        .order_by(EvidenceItem.id)
    )
    return list(session.scalars(query))
