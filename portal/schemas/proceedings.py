"""Taking part in a case: notices, deadlines, requests, hearings, documents and submissions."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated

from pydantic import AwareDatetime, Field

from portal.models import DecisionKind, DocumentKind, HearingStatus, RequestKind, SubmissionKind
from portal.schemas.accounts import Organisation
from portal.schemas.base import WHOLE, Count, Currency, Id, Input, Money, Output, Sha256, Text

Ids = Annotated[list[Id], Field(max_length=1000)]


class NoticeInput(Input):
    org_id: Id = Field(description="The participant served.")
    text_zh: Text = Field("", max_length=20_000, description="The notice in Chinese; the standard text if empty.")
    text_en: Text = Field("", max_length=20_000, description="The notice in English; the standard text if empty.")


class Notice(Output):
    id: Id
    case_id: Id
    org_id: Id
    text_zh: str
    text_en: str
    pdf_sha256: Sha256
    served_at: datetime
    opened_at: datetime | None
    acknowledged_at: datetime | None


class DecisionInput(Input):
    kind: DecisionKind
    decided_on: date
    served_on: date = Field(description="When the decision was served on the rights holders; starts the deadline.")
    summary: Text = Field("", max_length=5000)


class Deadline(Output):
    decision_id: Id
    decision: DecisionKind
    decided_on: date
    served_on: date
    summary: str
    due_on: date
    due_provisional: bool = Field(description="The working-day calendar for the due year is not published yet.")
    days_left: int
    expired: bool
    action: SubmissionKind = Field(description="What the rights holders may submit before due_on.")
    done_by: list[int] = Field(description="Organisations that have submitted it.")


class RequestInput(Input):
    org_id: Id = Field(description="The participant asked.")
    kind: RequestKind
    message: Text = Field(min_length=1, max_length=5000)
    due_on: date


class CaseRequest(Output):
    id: Id
    case_id: Id
    org_id: Id
    kind: RequestKind
    message: str
    due_on: date
    created_at: datetime
    answered_at: datetime | None
    overdue: bool


class HearingInput(Input):
    starts_at: AwareDatetime = Field(examples=["2026-12-15T09:30:00+08:00"])
    duration_minutes: Annotated[int, Field(ge=15, le=1440), WHOLE] = Field(examples=[120])
    court: Text = Field(min_length=1, max_length=300)
    room: Text = Field("", max_length=100)
    remote_url: Text = Field("", max_length=500)
    interpreter: bool = False
    note: Text = Field("", max_length=2000)


class Hearing(Output):
    id: Id
    case_id: Id
    status: HearingStatus
    starts_at: datetime
    duration_minutes: int
    court: str
    room: str
    remote_url: str
    interpreter: bool
    note: str
    cancel_reason: str
    sequence: int = Field(description="Raised with every change (iCalendar SEQUENCE).")


class Cancellation(Input):
    reason: Text = Field(min_length=1, max_length=2000)


class DocumentFields(Input):
    """Sent as query parameters with a raw body, or as form fields beside a multipart ``file``."""

    kind: DocumentKind
    title: Text = Field(min_length=1, max_length=300)
    org_ids: Ids = Field([], description="Participants to share the document with.")


class Document(Output):
    id: Id
    case_id: Id
    kind: DocumentKind
    title: str
    filename: str
    media_type: str
    size: int
    sha256: Sha256
    created_at: datetime
    shared_with: list[int] | None = None


class Share(Input):
    org_ids: Ids = Field(min_length=1)


class Shared(Output):
    shared_now: list[int] = Field(description="Participants the document was newly shared with.")


class Withdrawal(Input):
    org_id: Id


class LossInput(Input):
    losses_claimed: Money
    currency: Currency = "CNY"
    illegal_business_volume: Money | None = None
    units: Count | None = None
    genuine_unit_price: Money | None = None
    evidence: dict[str, Ids] = Field(
        {},
        description="For each figure (illegal_business_volume, units, genuine_unit_price, losses_claimed), "
        "the ids of the organisation's evidence that supports it.",
        examples=[{"losses_claimed": [12]}],
    )


class SubmissionInput(Input):
    kind: SubmissionKind
    text: Text = Field("", max_length=20_000)
    evidence_ids: Ids = Field([], description="The organisation's evidence in this case that supports it.")
    request_id: Id | None = Field(None, description="answer, loss_statement: the request it answers.")
    hearing_id: Id | None = Field(None, description="attendance: the hearing.")
    decision_id: Id | None = Field(None, description="petition, protest_request: the decision it is about.")
    interpreter_language: Text = Field(
        "", max_length=35, pattern=r"^([a-z]{2,3}(-[A-Za-z0-9]{2,8})*)?$", description="attendance: BCP 47 tag."
    )
    loss: LossInput | None = Field(None, description="loss_statement: the figures.")
    org_id: Id | None = Field(None, description="Agents acting for several participants: the one this is for.")


class Submission(Output):
    id: Id
    case_id: Id
    org_id: Id
    kind: SubmissionKind
    body: dict[str, object]
    request_id: int | None
    hearing_id: int | None
    decision_id: int | None
    submitted_by: str
    submitted_at: datetime
    sha256: Sha256
    log_index: int | None


class Proceedings(Output):
    participants: list[Organisation]
    notices: list[Notice]
    deadlines: list[Deadline]
    requests: list[CaseRequest]
    hearings: list[Hearing]
    documents: list[Document]
    submissions: list[Submission]
