"""What participants submit in a case: opinions, a loss statement, answers to requests, a request to
attend a hearing, a petition against non-prosecution, a request for a protest.

Each submission is one canonical JSON record in the transparency log; its
SHA-256 is kept with it, so the participant and the court can later show
that what the prosecutor read is what was sent.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from portal.models import (
    Case,
    CaseRequest,
    Complaint,
    EventKind,
    EvidenceItem,
    Hearing,
    HearingStatus,
    RequestKind,
    ServedDecision,
    Submission,
    SubmissionKind,
    User,
    utcnow,
)
from portal.services.deadlines import open_decision
from portal.services.errors import Conflict, Invalid, NotFound
from portal.services.notifications import Event, publish
from portal.services.participation import log_act, participant_case, visible_orgs

MAX_TEXT = 20_000
OPINIONS = (SubmissionKind.OPINION_CASE, SubmissionKind.OPINION_LENIENCY, SubmissionKind.OPINION_SENTENCING)
NEEDS_TEXT = (*OPINIONS, SubmissionKind.ANSWER, SubmissionKind.PETITION, SubmissionKind.PROTEST_REQUEST)
LOSS_FIGURES = ("illegal_business_volume", "units", "genuine_unit_price", "losses_claimed")
LANGUAGE_TAG = re.compile(r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$")
AMOUNT_LIMIT = Decimal("1e15")


@dataclass(frozen=True)
class LossStatement:
    losses_claimed: Decimal | None
    currency: str
    illegal_business_volume: Decimal | None = None
    units: int | None = None
    genuine_unit_price: Decimal | None = None
    evidence: Mapping[str, Sequence[int]] = field(default_factory=dict)
    """For each figure, the evidence items that support it."""


@dataclass(frozen=True)
class SubmissionInput:
    kind: SubmissionKind
    text: str = ""
    evidence_ids: Sequence[int] = ()
    request_id: int | None = None
    hearing_id: int | None = None
    decision_id: int | None = None
    interpreter_language: str = ""
    loss: LossStatement | None = None
    org_id: int | None = None
    """The participant an agent acts for, when it acts for several in the case."""


def _evidence(session: Session, case: Case, org_id: int, ids: Sequence[int], name: str) -> list[int]:
    """Check that the ids are the organisation's evidence in this case."""
    wanted = sorted(set(ids))
    if not wanted:
        return []
    found = set(
        session.scalars(
            select(EvidenceItem.id)
            .join(Complaint, EvidenceItem.complaint_id == Complaint.id)
            .where(EvidenceItem.id.in_(wanted), Complaint.case_id == case.id, Complaint.org_id == org_id)
        )
    )
    missing = [i for i in wanted if i not in found]
    if missing:
        raise Invalid(
            "Evidence %(ids)s is not your evidence in this case.",
            {name: "Not your evidence in this case."},
            ids=", ".join(f"#{i}" for i in missing),
        )
    return wanted


def _amount(value: Decimal | None, name: str, errors: dict[str, str]) -> str | None:
    if value is None:
        return None
    if not value.is_finite() or value < 0 or value >= AMOUNT_LIMIT:
        errors[name] = "A positive amount."
        return None
    return str(value.quantize(Decimal("0.01")))


def _loss_body(session: Session, case: Case, org_id: int, loss: LossStatement | None) -> dict[str, Any]:
    if loss is None:
        raise Invalid("The loss statement has no figures.", {"losses_claimed": "Required."})
    errors: dict[str, str] = {}
    body: dict[str, Any] = {
        "illegal_business_volume": _amount(loss.illegal_business_volume, "illegal_business_volume", errors),
        "genuine_unit_price": _amount(loss.genuine_unit_price, "genuine_unit_price", errors),
        "losses_claimed": _amount(loss.losses_claimed, "losses_claimed", errors),
        "units": loss.units,
        "currency": loss.currency.upper(),
    }
    if loss.losses_claimed is None:
        errors["losses_claimed"] = "Required."
    if loss.units is not None and not 0 <= loss.units < 10**12:
        errors["units"] = "A whole number of units."
    if not re.fullmatch(r"[A-Z]{3}", body["currency"]):
        errors["currency"] = "A three-letter ISO 4217 code, such as CNY, EUR or USD."
    unknown = sorted(set(loss.evidence) - set(LOSS_FIGURES))
    if unknown:
        errors["evidence"] = f"Evidence can support only: {', '.join(LOSS_FIGURES)}."
    if errors:
        raise Invalid("The loss statement is not complete.", errors)
    body["evidence"] = {
        figure: _evidence(session, case, org_id, loss.evidence.get(figure, ()), f"evidence_{figure}")
        for figure in LOSS_FIGURES
    }
    return body


def _hearing(session: Session, case: Case, hearing_id: int | None) -> Hearing:
    hearing = session.get(Hearing, hearing_id) if hearing_id is not None else None
    if hearing is None or hearing.case_id != case.id or hearing.status is not HearingStatus.SCHEDULED:
        raise Invalid("Choose a scheduled hearing of this case.", {"hearing_id": "Not a scheduled hearing."})
    if hearing.starts_at <= utcnow():
        raise Conflict("This hearing has already begun.")
    return hearing


def _request(session: Session, case: Case, org_id: int, request_id: int | None) -> CaseRequest:
    request = session.get(CaseRequest, request_id) if request_id is not None else None
    if request is None or request.case_id != case.id or request.org_id != org_id:
        raise Invalid("Choose one of the requests made to you in this case.", {"request_id": "Not your request."})
    if request.answered_at is not None:
        raise Conflict("This request has already been answered.")
    return request


# What each kind takes besides its text; anything else sent is refused by name, never dropped.
TAKES: dict[SubmissionKind, frozenset[str]] = {
    **{kind: frozenset({"evidence_ids"}) for kind in OPINIONS},
    SubmissionKind.LOSS_STATEMENT: frozenset({"loss", "request_id"}),
    SubmissionKind.ANSWER: frozenset({"evidence_ids", "request_id"}),
    SubmissionKind.ATTENDANCE: frozenset({"evidence_ids", "hearing_id", "interpreter_language"}),
    SubmissionKind.PETITION: frozenset({"evidence_ids", "decision_id"}),
    SubmissionKind.PROTEST_REQUEST: frozenset({"evidence_ids", "decision_id"}),
}


def _refuse_what_the_kind_does_not_take(data: SubmissionInput) -> None:
    sent = {
        "evidence_ids": bool(data.evidence_ids),
        "request_id": data.request_id is not None,
        "hearing_id": data.hearing_id is not None,
        "decision_id": data.decision_id is not None,
        "interpreter_language": bool(data.interpreter_language.strip()),
        "loss": data.loss is not None,
    }
    refused = sorted(name for name, given in sent.items() if given and name not in TAKES[data.kind])
    if not refused:
        return
    fields = {name: "Not taken by this kind of submission." for name in refused}
    if data.kind is SubmissionKind.LOSS_STATEMENT and "evidence_ids" in refused:
        # A loss statement's evidence backs one figure or another.
        figures = ", ".join(LOSS_FIGURES)
        fields["evidence_ids"] = f"Use loss.evidence.<figure>, a figure being one of {figures}."
    names = ", ".join(refused)
    raise Invalid("A submission of kind %(kind)s does not take %(names)s.", fields, kind=data.kind.value, names=names)


def submit(session: Session, actor: User, case_id: int, data: SubmissionInput) -> Submission:
    case, org_id = participant_case(session, actor, case_id, data.org_id)
    text = data.text.strip()
    if data.kind in NEEDS_TEXT and not text:
        raise Invalid("Write what you want to say.", {"text": "Required."})
    if len(text) > MAX_TEXT:
        raise Invalid("The text is longer than %(max)d characters.", {"text": "Too long."}, max=MAX_TEXT)
    _refuse_what_the_kind_does_not_take(data)
    body: dict[str, Any] = {"text": text}
    links: dict[str, int] = {}
    request = None
    if data.kind is SubmissionKind.LOSS_STATEMENT:
        body.update(_loss_body(session, case, org_id, data.loss))
    else:
        body["evidence"] = _evidence(session, case, org_id, data.evidence_ids, "evidence_ids")
    if data.kind is SubmissionKind.ANSWER or (data.kind is SubmissionKind.LOSS_STATEMENT and data.request_id):
        request = _request(session, case, org_id, data.request_id)
        if data.kind is SubmissionKind.LOSS_STATEMENT and request.kind is not RequestKind.LOSS_STATEMENT:
            raise Invalid(
                "That request does not ask for a loss statement; answer it as an answer.",
                {"request_id": "Not a request for a loss statement."},
            )
        links["request_id"] = request.id
    elif data.kind is SubmissionKind.ATTENDANCE:
        links["hearing_id"] = _hearing(session, case, data.hearing_id).id
        language = data.interpreter_language.strip()
        if language and not LANGUAGE_TAG.match(language):
            raise Invalid(
                "Give the interpreter's language as a language tag, such as en, fr or de.",
                {"interpreter_language": "A language tag such as en."},
            )
        body["interpreter_language"] = language
    elif data.kind in (SubmissionKind.PETITION, SubmissionKind.PROTEST_REQUEST):
        links["decision_id"] = open_decision(session, case, data.decision_id, data.kind).id
    entry = log_act(
        session,
        "submission",
        case,
        actor,
        {"org_id": org_id, "submitted_by": actor.email, "kind": data.kind.value, "body": body, **links},
    )
    submission = Submission(
        case_id=case.id,
        org_id=org_id,
        kind=data.kind,
        body=body,
        sha256=hashlib.sha256(entry.data).hexdigest(),
        log_entry=entry,
        submitted_by_id=actor.id,
        **links,
    )
    session.add(submission)
    if request is not None:
        request.answered_at = utcnow()
    session.flush()
    publish(
        session,
        Event(
            EventKind.SUBMISSION_RECEIVED,
            {
                "case": case.case_number,
                "submission": data.kind.value,
                "organisation": submission.organisation.legal_name,
            },
            case_id=case.id,
            user_ids=[case.prosecutor_id],
            data={"submission_id": submission.id},
        ),
    )
    session.commit()
    return submission


def submissions_in(session: Session, actor: User, case: Case) -> list[Submission]:
    """The case's submissions from the participants the actor may see, newest first."""
    query = select(Submission).where(
        Submission.case_id == case.id, Submission.org_id.in_(visible_orgs(session, actor, case))
    )
    return list(session.scalars(query.order_by(Submission.id.desc())))


def get_submission(session: Session, actor: User, case: Case, submission_id: int) -> Submission:
    submission = session.get(Submission, submission_id)
    visible = visible_orgs(session, actor, case)
    if submission is None or submission.case_id != case.id or submission.org_id not in visible:
        raise NotFound("There is no such submission.")
    return submission


@dataclass(frozen=True)
class Context:
    """What a submission answers: a request, a hearing, or a decision whose deadline runs."""

    request: CaseRequest | None = None
    hearing: Hearing | None = None
    decision: ServedDecision | None = None


def context(session: Session, case: Case, org_id: int, kind: SubmissionKind, args: Mapping[str, str]) -> Context:
    """Look up the object a submission form is for, from its query arguments; 404 when it is not there."""

    def wanted(name: str) -> int | None:
        raw = args.get(name, "")
        return int(raw) if raw.isdigit() else None

    try:
        if kind is SubmissionKind.ANSWER:
            return Context(request=_request(session, case, org_id, wanted("request")))
        if kind is SubmissionKind.ATTENDANCE:
            return Context(hearing=_hearing(session, case, wanted("hearing")))
        if kind in (SubmissionKind.PETITION, SubmissionKind.PROTEST_REQUEST):
            return Context(decision=open_decision(session, case, wanted("decision"), kind))
    except Invalid as exc:
        raise NotFound(exc.message) from None
    return Context()
