"""Supervisors over the API: assignment, and the dashboard's figures."""

from __future__ import annotations

from flask.typing import ResponseReturnValue

from portal.api import bp, me_
from portal.api.contract import body, operation
from portal.db import get_session
from portal.schemas import cases as case_schema
from portal.schemas.supervision import Statistics
from portal.services import assignment, statistics
from portal.services.access import SUPERVISORS, require_role

ONLY_SUPERVISORS = "Only a supervisor assigns complaints and cases."


def _prosecutor_id() -> int:
    data: case_schema.Assignment = body()
    return data.prosecutor_id


@bp.post("/complaints/<int:complaint_id>/assign")
@operation(
    "Assign a complaint to a prosecutor (supervisors)",
    tag="supervision",
    body=case_schema.Assignment,
    response=case_schema.ComplaintAssigned,
    errors=(403,),
)
def assign_complaint(complaint_id: int) -> ResponseReturnValue:
    require_role(me_(), SUPERVISORS, ONLY_SUPERVISORS)
    complaint = assignment.assign_complaint(get_session(), me_(), complaint_id, _prosecutor_id())
    return {"id": complaint.id, "reference": complaint.reference, "assigned_to_id": complaint.assigned_to_id}


@bp.post("/cases/<int:case_id>/assign")
@operation(
    "Assign a case to a prosecutor (supervisors)",
    tag="supervision",
    body=case_schema.Assignment,
    response=case_schema.CaseAssigned,
    errors=(403,),
)
def assign_case(case_id: int) -> ResponseReturnValue:
    require_role(me_(), SUPERVISORS, ONLY_SUPERVISORS)
    case = assignment.assign_case(get_session(), me_(), case_id, _prosecutor_id())
    return {"id": case.id, "case_number": case.case_number, "prosecutor_id": case.prosecutor_id}


def _durations(d: statistics.Durations) -> dict[str, float | int | None]:
    return {"count": d.count, "median_days": d.median, "p90_days": d.p90}


@bp.get("/statistics")
@operation("The supervisor's figures", tag="supervision", response=Statistics, errors=(403,))
def statistics_view() -> ResponseReturnValue:
    board = statistics.dashboard(get_session(), me_())
    return dict(
        complaints_filed=board.figures.filed,
        complaints_by_status={k.value: v for k, v in board.figures.complaints_by_status.items()},
        cases_by_stage={k.value: v for k, v in board.figures.cases_by_stage.items()},
        origin=board.figures.origin,
        by_country=dict(board.figures.by_country),
        by_right_type={k.value: v for k, v in board.figures.by_right_type.items()},
        time_in_stage={k.value: _durations(v) for k, v in board.figures.time_in_stage.items()},
        review=_durations(board.figures.review_days),
        overdue_requests=[
            {
                "due_on": o.due_on.isoformat(),
                "organisation": o.organisation,
                "case_id": o.case.id if o.case else None,
                "complaint_id": o.complaint.id if o.complaint else None,
            }
            for o in board.overdue
        ],
        overdue_count=board.overdue_count,
        running_deadlines=[
            {"decision_id": d.id, "case_id": d.case_id, "kind": d.kind.value, "due_on": d.due_on.isoformat()}
            for d in board.deadlines
        ],
        running_deadline_count=board.deadlines_count,
        unassigned_complaints=board.figures.unassigned,
        figures_at=board.figures_at.isoformat(),
        workload=[
            {"prosecutor": w.prosecutor.email, "open_complaints": w.open_complaints, "cases": w.cases}
            for w in board.workload
        ],
    )
