"""Criminal cases: opening them, their stages, assignment and bundles."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from pydantic import Field

from portal.models import Stage
from portal.models.cases import CASE_NUMBER_MAX
from portal.schemas.base import Id, Input, Output, PageQuery, Query, Text


class CaseFields(Input):
    case_number: Text = Field(min_length=1, max_length=CASE_NUMBER_MAX, examples=["沪检知刑诉〔2026〕12号"])
    procuratorate: Text = Field(min_length=1, max_length=200, examples=["上海市人民检察院第三分院"])
    charges: Text = Field(min_length=1, max_length=5000, examples=["Art. 213: counterfeiting registered trademarks"])
    prosecutor_id: Id | None = Field(None, description="The prosecutor in charge; yourself if not given.")
    stage: Stage = Stage.PROSECUTION_REVIEW
    opened_on: dt.date | None = None


class StageChange(Input):
    stage: Stage
    date: dt.date = Field(description="When the case reached the stage; not in the future.")
    note: Text = Field("", max_length=10_000)
    shared: bool = Field(False, description="Show the note to the rights holders.")


class TimelineEntry(Output):
    stage: Stage
    date: dt.date
    note: str | None
    shared: bool


class ComplaintRef(Output):
    id: Id
    reference: str
    title: str


class Case(Output):
    id: Id
    case_number: str
    procuratorate: str
    charges: str
    stage: Stage
    prosecutor: str = Field(description="The prosecutor's e-mail address.")
    timeline: list[TimelineEntry]
    complaints: list[ComplaintRef] = Field(description="The complaints of the case this user may see.")


class CaseQuery(PageQuery):
    number: Text = Field(
        "",
        max_length=CASE_NUMBER_MAX,
        description="Only cases whose number holds this text, in any case: a picker's search.",
    )


class BundleQuery(Query):
    evidence: Annotated[str, Field(pattern=r"^\d{1,10}(,\d{1,10})*$")] | None = Field(
        None,
        description="Only these evidence ids, comma-separated; every item of the case if absent.",
        examples=["3,5,8"],
    )


class Assignment(Input):
    prosecutor_id: Id


class ComplaintAssigned(Output):
    id: Id
    reference: str
    assigned_to_id: int | None


class CaseAssigned(Output):
    id: Id
    case_number: str
    prosecutor_id: int
