"""The supervisor's figures."""

from __future__ import annotations

from datetime import date, datetime

from pydantic import Field

from portal.models import DecisionKind
from portal.schemas.base import Id, Output


class Durations(Output):
    count: int = Field(description="Spells counted, completed or running.")
    median_days: float | None
    p90_days: float | None


class OverdueRequest(Output):
    due_on: date
    organisation: str
    case_id: int | None
    complaint_id: int | None


class RunningDeadline(Output):
    decision_id: Id
    case_id: Id
    kind: DecisionKind
    due_on: date


class Workload(Output):
    prosecutor: str
    open_complaints: int
    cases: int


class Statistics(Output):
    complaints_filed: int = Field(description="Complaints submitted, whatever became of them since.")
    complaints_by_status: dict[str, int]
    cases_by_stage: dict[str, int]
    origin: dict[str, int] = Field(description="Complaints from foreign and from domestic rights holders.")
    by_country: dict[str, int]
    by_right_type: dict[str, int]
    time_in_stage: dict[str, Durations]
    review: Durations = Field(description="From submission to the decision on a complaint.")
    overdue_requests: list[OverdueRequest] = Field(
        description="The 20 unanswered requests overdue longest, oldest due date first; `overdue_count` counts all."
    )
    overdue_count: int = Field(description="Requests to rights holders past their due date and unanswered.")
    running_deadlines: list[RunningDeadline] = Field(
        description="The 20 statutory deadlines still running that end soonest; `running_deadline_count` counts all."
    )
    running_deadline_count: int
    figures_at: datetime = Field(
        description="When the figures above the lists were worked out: `portal worker` does every minute."
    )
    unassigned_complaints: int
    workload: list[Workload]
