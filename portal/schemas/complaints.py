"""Rights, complaints, the review queue and decisions."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Literal

from pydantic import Field

from portal.models import ComplaintStatus, RightType
from portal.schemas.accounts import Organisation
from portal.schemas.base import (
    Count,
    Currency,
    Id,
    Input,
    KeyCursor,
    KeyedQuery,
    Money,
    Output,
    Query,
    QueryBool,
    Text,
    changes_to,
)
from portal.schemas.cases import CaseFields
from portal.schemas.evidence import Evidence


class RightFields(Input):
    type: RightType = Field(examples=["trademark"])
    registration_number: Text = Field(min_length=1, max_length=100, examples=["G1234567"])
    registry: Text = Field(
        min_length=1, max_length=100, description="CNIPA, WIPO Madrid, EUIPO, USPTO ...", examples=["CNIPA"]
    )
    owner: Text = Field(min_length=1, max_length=300, examples=["Sample K.K."])
    valid_from: date | None = None
    valid_until: date | None = None
    scope: Text = Field("", max_length=5000, description="Classes or scope.", examples=["Class 18: leather goods"])


class RightInput(RightFields):
    org_id: Id | None = Field(None, description="Agents: the principal the right belongs to.")


RightChanges = changes_to(RightFields, "RightChanges")


class Right(Output):
    id: Id
    org_id: Id = Field(description="The rights holder it belongs to.")
    type: RightType
    registration_number: str
    registry: str
    owner: str
    valid_from: date | None
    valid_until: date | None
    scope: str
    retired_at: datetime | None = Field(description="New complaints cannot rely on a retired right.")
    version: int = Field(description="Raised by every change; sent as the ETag.")


class InfringerInput(Input):
    name: Text = Field(min_length=1, max_length=300, examples=["Shenzhen Example Trading Co."])
    address: Text = Field("", max_length=1000)
    shop_urls: list[Annotated[Text, Field(max_length=500)]] = Field(
        [], max_length=20, description="http(s) addresses of the online shops.", examples=[["https://shop.example"]]
    )
    platform: Text = Field("", max_length=100, examples=["Taobao"])


class Infringer(Output):
    name: str
    address: str
    shop_urls: list[str]
    platform: str


class ComplaintChanges(Input):
    """The fields of a draft; a change sends only those it changes."""

    title: Text = Field("", max_length=200, description="A short title.", examples=["Counterfeit handbags on Taobao"])
    facts: Text = Field("", max_length=50_000)
    right_ids: list[Id] = Field([], max_length=100, description="Rights recorded for the organisation.")
    infringers: list[InfringerInput] = Field([], max_length=20)
    discovered_on: date | None = Field(None, description="Not in the future.")
    discovery_method: Text = Field("", max_length=5000)
    illegal_volume: Money | None = Field(None, description="Estimated illegal business volume.")
    units: Count | None = Field(None, description="Estimated units.")
    currency: Currency = "CNY"
    language: Literal["en", "zh"] = "en"


class ComplaintInput(ComplaintChanges):
    title: Text = Field(min_length=1, max_length=200, examples=["Counterfeit handbags on Taobao"])
    org_id: Id | None = Field(None, description="Agents: the rights holder filed for.")


class InformationRequest(Output):
    message: str
    due: date | None
    requested_at: datetime
    reply: str | None
    replied_at: datetime | None


class Complaint(Output):
    id: Id
    reference: str = Field(examples=["IPC-2026-000042"])
    status: ComplaintStatus
    organisation: Organisation
    title: str
    facts: str
    rights: list[Right]
    infringers: list[Infringer]
    discovered_on: date | None
    discovery_method: str
    illegal_volume: str | None = Field(description="A decimal, as a string.", examples=["1250.00"])
    units: int | None
    currency: str
    language: str
    case_id: int | None
    decline_reason: str | None
    information_requests: list[InformationRequest]
    created_at: datetime
    submitted_at: datetime | None
    decided_at: datetime | None
    version: int = Field(description="Raised by every change; sent as the ETag.")
    evidence: list[Evidence] = Field(
        [], description="The complaint's evidence (in answers about one complaint, not in lists)."
    )


class Reply(Input):
    reply: Text = Field(min_length=1, max_length=20_000)


class ReviewQuery(Query):
    status: ComplaintStatus | None = None
    foreign: QueryBool | None = Field(None, description="Only foreign (true) or domestic (false) rights holders.")
    right_type: RightType | None = None
    order: Literal["newest", "oldest"] = "newest"
    assigned: Literal["me", "none"] | None = Field(None, description="Only those assigned to you, or to nobody.")
    limit: int = Field(20, ge=1, le=100, description="Items per page.")
    cursor: KeyCursor | None = None


class Decision(Input):
    action: Literal["accept", "decline", "request_information"]
    message: Text = Field("", max_length=20_000, description="request_information: what is needed.")
    due: date | None = Field(None, description="request_information: the reply is due by.")
    reason: Text = Field("", max_length=20_000, description="decline: why.")
    case_id: Id | None = Field(None, description="accept: the existing case to link the complaint to.")
    case: CaseFields | None = Field(None, description="accept: a new case to open for the complaint.")


class SearchQuery(KeyedQuery):
    q: Text = Field("", max_length=200, description="Words to find in titles, facts, infringers and references.")
