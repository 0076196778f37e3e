"""Supervisors over the API: assignment, and the dashboard's figures."""

from __future__ import annotations

from flask import jsonify
from flask.typing import ResponseReturnValue

from portal.api import _body, bp, me_
from portal.db import get_session
from portal.services import assignment, statistics
from portal.services.access import SUPERVISORS, require_role
from portal.services.errors import Invalid


def _prosecutor_id() -> int:
    value = _body().get("prosecutor_id")
    if not isinstance(value, int) or isinstance(value, bool):
        raise Invalid("prosecutor_id must be a user id.", {"prosecutor_id": "Not an id."})
    return value


@bp.post("/complaints/<int:complaint_id>/assign")
def assign_complaint(complaint_id: int) -> ResponseReturnValue:
    require_role(me_(), SUPERVISORS, "Only a supervisor assigns complaints and cases.")
    complaint = assignment.assign_complaint(get_session(), me_(), complaint_id, _prosecutor_id())
    return jsonify(id=complaint.id, reference=complaint.reference, assigned_to_id=complaint.assigned_to_id)


@bp.post("/cases/<int:case_id>/assign")
def assign_case(case_id: int) -> ResponseReturnValue:
    require_role(me_(), SUPERVISORS, "Only a supervisor assigns complaints and cases.")
    case = assignment.assign_case(get_session(), me_(), case_id, _prosecutor_id())
    return jsonify(id=case.id, case_number=case.case_number, prosecutor_id=case.prosecutor_id)


def _durations(d: statistics.Durations) -> dict[str, float | int | None]:
    return {"count": d.count, "median_days": d.median, "p90_days": d.p90}


@bp.get("/statistics")
def statistics_view() -> ResponseReturnValue:
    board = statistics.dashboard(get_session(), me_())
    return jsonify(
        complaints_filed=board.filed,
        complaints_by_status={k.value: v for k, v in board.complaints_by_status.items()},
        cases_by_stage={k.value: v for k, v in board.cases_by_stage.items()},
        origin=board.origin,
        by_country=dict(board.by_country),
        by_right_type={k.value: v for k, v in board.by_right_type.items()},
        time_in_stage={k.value: _durations(v) for k, v in board.time_in_stage.items()},
        review=_durations(board.review_days),
        overdue_requests=[
            {
                "due_on": o.due_on.isoformat(),
                "organisation": o.organisation,
                "case_id": o.case.id if o.case else None,
                "complaint_id": o.complaint.id if o.complaint else None,
            }
            for o in board.overdue
        ],
        running_deadlines=[
            {"decision_id": d.id, "case_id": d.case_id, "kind": d.kind.value, "due_on": d.due_on.isoformat()}
            for d in board.deadlines
        ],
        unassigned_complaints=board.unassigned,
        workload=[
            {"prosecutor": w.prosecutor.email, "open_complaints": w.open_complaints, "cases": w.cases}
            for w in board.workload
        ],
    )
