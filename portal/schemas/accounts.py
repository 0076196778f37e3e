"""Users and organisations."""

from __future__ import annotations

from collections.abc import Collection
from typing import Annotated, Literal

from pydantic import AfterValidator, Field, WithJsonSchema

from portal.models import OrgKind, OrgStatus, Role
from portal.schemas.base import Id, Input, Output, Text, changes_to
from portal.services.accounts import LANGUAGES, TIMEZONES


class Organisation(Output):
    id: Id
    legal_name: str = Field(description="The legal name in its original script.", examples=["株式会社サンプル"])
    legal_name_latin: str = Field(examples=["Sample K.K."])
    country: str = Field(description="ISO 3166-1 alpha-2.", examples=["JP"])
    foreign: bool = Field(description="Registered outside mainland China.")
    kind: OrgKind
    status: OrgStatus


class OrganisationDecision(Input):
    decision: Literal["approve", "reject"]
    reason: Text = Field("", max_length=2000, description="Required to reject; sent to the registrant.")


class User(Output):
    id: Id
    email: str
    name: str
    role: Role
    language: str = Field(examples=["en"])
    timezone: str = Field(examples=["Asia/Shanghai"])
    organisation_admin: bool = Field(description="Manages the organisation's webhooks and powers of attorney.")
    organisation: Organisation | None
    version: int = Field(description="Raised by every change; sent as the ETag.")


def _among(allowed: Collection[str]) -> AfterValidator:
    def check(value: str) -> str:
        if value not in allowed:
            raise ValueError("not one of the values the document lists")
        return value

    return AfterValidator(check)


def _listed(allowed: Collection[str]) -> WithJsonSchema:
    return WithJsonSchema({"type": "string", "enum": sorted(allowed)})


Language = Annotated[str, _among(LANGUAGES), _listed(LANGUAGES)]
TimeZone = Annotated[str, _among(TIMEZONES), _listed(TIMEZONES)]


class Preferences(Input):
    name: Text = Field("", max_length=200, description="How the portal addresses you.", examples=["Mei Lin"])
    language: Language = Field("en", description="Of pages, e-mails and notifications.")
    timezone: TimeZone = Field("UTC", description="IANA time zone that times are shown in.", examples=["Europe/Paris"])


PreferenceChanges = changes_to(Preferences, "PreferenceChanges")
