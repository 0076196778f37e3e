"""Powers of attorney."""

from __future__ import annotations

from datetime import date, datetime

from pydantic import Field

from portal.models import AgencyScope
from portal.schemas.accounts import Organisation
from portal.schemas.base import Id, Input, Output, Text


class PowerFields(Input):
    """Sent as query parameters with the signed document as a raw body, or as form fields beside ``file``."""

    agent_org_id: Id = Field(description="The agent organisation (GET /agents).")
    scopes: list[AgencyScope] = Field(min_length=1, max_length=len(AgencyScope))
    valid_from: date
    valid_until: date
    notarised_by: Text = Field("", max_length=300)
    notarised_on: date | None = None
    legalisation: Text = Field("", max_length=300, description="Apostille or legalisation (number, authority, date).")


class Power(Output):
    id: Id
    principal: Organisation
    agent: Organisation
    scopes: list[AgencyScope]
    valid_from: date
    valid_until: date
    evidence_id: Id = Field(description="The signed document, kept as evidence.")
    notarised_by: str
    notarised_on: date | None
    legalisation: str
    granted_at: datetime
    revoked_at: datetime | None
