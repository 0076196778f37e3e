"""Supervisors: assignment of complaints and cases, and the dashboard's figures and charts."""

from __future__ import annotations

from datetime import date, timedelta
from statistics import median as pymedian
from statistics import quantiles

import pytest
from flask import Flask
from sqlalchemy import select, update

from portal.db import get_session
from portal.models import (
    Case,
    CaseRequest,
    DecisionKind,
    RequestKind,
    Role,
    ServedDecision,
    Stage,
    StageChange,
    Summary,
    User,
    utcnow,
)
from portal.services import statistics
from portal.services.shanghai import today_in_china
from tests.factories import Api, make_user, make_world
from tests.portal.test_pages import csrf, sign_in


def test_supervisor_assigns_complaints_and_cases(app: Flask) -> None:
    world = make_world(app)
    client = app.test_client()
    holder, prosecutor, supervisor = (
        Api(client, a.token) for a in (world.holder_a, world.prosecutor, world.supervisor)
    )
    complaint_id, _ = holder.submitted(world.right_a)
    assigned = supervisor("POST", f"/complaints/{complaint_id}/assign", json={"prosecutor_id": world.prosecutor.id})
    assert assigned.status_code == 200 and assigned.json["assigned_to_id"] == world.prosecutor.id
    note = prosecutor("GET", "/notifications").json["items"][0]
    assert note["kind"] == "staff.assigned" and note["complaint_id"] == complaint_id
    mine = prosecutor("GET", "/review/complaints").json["total"]
    assert mine == 1
    for api, status in ((prosecutor, 403), (holder, 403)):
        refused = api("POST", f"/complaints/{complaint_id}/assign", json={"prosecutor_id": world.prosecutor.id})
        assert refused.status_code == status
    for body in ({"prosecutor_id": world.holder_a.id}, {"prosecutor_id": "x"}, {}):
        assert supervisor("POST", f"/complaints/{complaint_id}/assign", json=body).status_code == 422

    browser = app.test_client()
    sign_in(browser, world.prosecutor.email)
    queue = browser.get("/review/?assigned=me").get_data(as_text=True)
    assert f"C-{complaint_id:06d}" in queue and world.prosecutor.email in queue
    assert f"C-{complaint_id:06d}" not in browser.get("/review/?assigned=none").get_data(as_text=True)

    case_id = prosecutor(
        "POST",
        f"/complaints/{complaint_id}/decision",
        json={"action": "accept", "case": {"case_number": "S-1", "procuratorate": "P", "charges": "C"}},
    ).json["case_id"]
    decided = supervisor("POST", f"/complaints/{complaint_id}/assign", json={"prosecutor_id": world.supervisor.id})
    assert decided.status_code == 409
    with app.app_context():
        other = make_user(Role.PROSECUTOR, "p2@proc.example")
    sup_browser = app.test_client()
    sign_in(sup_browser, world.supervisor.email)
    token = csrf(sup_browser, f"/cases/{case_id}")
    moved = sup_browser.post(
        f"/cases/{case_id}/assign", data={"csrf_token": token, "prosecutor_id": other.id}, follow_redirects=True
    )
    assert "Assigned to p2@proc.example" in moved.get_data(as_text=True)
    assert Api(client, other.token)("GET", "/notifications").json["items"][0]["kind"] == "staff.assigned"
    assert browser.post(f"/cases/{case_id}/assign", data={"csrf_token": token}).status_code in (400, 403)


def test_dashboard_figures(app: Flask) -> None:
    world = make_world(app)
    client = app.test_client()
    holder, other, prosecutor, supervisor = (
        Api(client, a.token) for a in (world.holder_a, world.holder_b, world.prosecutor, world.supervisor)
    )
    first, _ = holder.submitted(world.right_a)
    second, _ = holder.submitted(world.right_a)
    third, _ = other.submitted(world.right_b)
    holder.draft(world.right_a)
    case_id = prosecutor(
        "POST",
        f"/complaints/{first}/decision",
        json={"action": "accept", "case": {"case_number": "D-1", "procuratorate": "P", "charges": "C"}},
    ).json["case_id"]
    prosecutor("POST", f"/complaints/{third}/decision", json={"action": "decline", "reason": "No evidence of sales."})
    today = today_in_china()
    with app.app_context():
        db = get_session()
        # The case's history: 10 days in review for prosecution, then 4 in trial, still in trial today.
        first_change = db.scalars(select(StageChange).where(StageChange.case_id == case_id)).one()
        first_change.occurred_on = today - timedelta(days=14)
        db.add(
            StageChange(
                case_id=case_id,
                stage=Stage.FIRST_INSTANCE,
                occurred_on=today - timedelta(days=4),
                recorded_by_id=world.prosecutor.id,
            )
        )
        db.add(
            CaseRequest(
                case_id=case_id,
                org_id=world.holder_a.org_id,
                kind=RequestKind.MORE_EVIDENCE,
                message="Sales records",
                due_on=date(2026, 1, 5),
                created_by_id=world.prosecutor.id,
            )
        )
        db.commit()
    prosecutor(
        "POST",
        f"/cases/{case_id}/decisions",
        json={"kind": "first_instance_judgment", "decided_on": today.isoformat(), "served_on": today.isoformat()},
    )

    figures = supervisor("GET", "/statistics").json
    assert figures["complaints_filed"] == 3
    assert figures["complaints_by_status"]["draft"] == 1 and figures["complaints_by_status"]["submitted"] == 1
    assert figures["origin"] == {"foreign": 2, "domestic": 1}
    assert figures["by_country"] == {"FR": 2, "CN": 1}
    assert figures["by_right_type"]["trademark"] == 3
    assert figures["time_in_stage"]["prosecution_review"] == {"count": 1, "median_days": 10.0, "p90_days": 10.0}
    assert figures["time_in_stage"]["first_instance"]["median_days"] == 4.0
    assert [o["case_id"] for o in figures["overdue_requests"]] == [case_id]
    assert len(figures["running_deadlines"]) == 1 and figures["unassigned_complaints"] == 1
    assert prosecutor("GET", "/statistics").status_code == 403
    assert holder("GET", "/statistics").status_code == 403

    browser = app.test_client()
    sign_in(browser, world.supervisor.email)
    page = browser.get("/supervisor/").get_data(as_text=True)
    assert page.count("<canvas data-chart=") == 6 and 'id="chart-data"' in page
    assert "chart.umd.min.js" in page and "Sales records" in page and "Overdue requests" in page
    script = browser.get("/static/vendor/chart.js-4.6.1/chart.umd.min.js")
    assert script.status_code == 200 and script.get_data().startswith(b"/*!\n * Chart.js v4.6.1")
    script.close()
    staff = app.test_client()
    sign_in(staff, world.prosecutor.email)
    assert staff.get("/supervisor/").status_code == 403


def test_stage_times_and_long_lists_are_worked_out_in_the_database(app: Flask) -> None:
    """Medians and 90th percentiles picked by rank in SQL equal Python's, for odd and even counts, and the
    overdue requests and running deadlines listed are the most pressing 20 of however many there are."""
    world = make_world(app)
    today = today_in_china()
    stays = {Stage.INVESTIGATION: [3, 1, 4, 1, 5, 9, 2, 6, 5, 100], Stage.ARREST_REVIEW: [7, 0, 12]}
    with app.app_context():
        db = get_session()
        for stage, lengths in stays.items():
            for number, days in enumerate(lengths):
                case = Case(case_number=f"{stage}-{number}", procuratorate="P", charges="C", stage=Stage.PROSECUTED,
                            prosecutor_id=world.prosecutor.id, created_by_id=world.prosecutor.id)  # fmt: skip
                db.add(case)
                db.flush()
                start = today - timedelta(days=200)
                for changed, on in ((stage, start), (Stage.PROSECUTED, start + timedelta(days=days))):
                    db.add(StageChange(case_id=case.id, stage=changed, occurred_on=on,
                                       recorded_by_id=world.prosecutor.id))  # fmt: skip
                for late in range(3):
                    db.add(CaseRequest(case_id=case.id, org_id=world.holder_a.org_id, kind=RequestKind.OTHER,
                                       message=f"Late {late}", due_on=today - timedelta(days=1 + number + late),
                                       created_by_id=world.prosecutor.id))  # fmt: skip
                db.add(ServedDecision(case_id=case.id, kind=DecisionKind.NON_PROSECUTION, decided_on=today,
                                      served_on=today, due_on=today + timedelta(days=number),
                                      recorded_by_id=world.prosecutor.id))  # fmt: skip
        db.commit()
        board = statistics.dashboard(db, db.get_one(User, world.supervisor.id))
    # Every case went on to be prosecuted, and still is: a stay that runs until today.
    stays[Stage.PROSECUTED] = [200 - days for lengths in list(stays.values()) for days in lengths]
    for stage, lengths in stays.items():
        figures = board.figures.time_in_stage[stage]
        assert figures.count == len(lengths) and figures.median == pymedian(lengths)
        assert figures.p90 == pytest.approx(quantiles(lengths, n=10, method="inclusive")[8])
    assert board.figures.time_in_stage[Stage.FINAL_JUDGMENT] == statistics.Durations(0, None, None)
    assert board.overdue_count == 39 and len(board.overdue) == statistics.LISTED
    assert [o.due_on for o in board.overdue] == sorted(o.due_on for o in board.overdue)
    assert board.overdue[0].due_on == today - timedelta(days=12) and board.overdue[0].case is not None
    assert board.deadlines_count == 13 and len(board.deadlines) == 13 and board.deadlines[0].due_on == today


def test_the_figures_are_kept_and_worked_out_again_by_the_worker_or_when_none_has(app: Flask) -> None:
    world = make_world(app)
    client = app.test_client()
    holder, supervisor = Api(client, world.holder_a.token), Api(client, world.supervisor.token)
    holder.submitted(world.right_a)
    first = supervisor("GET", "/statistics").json
    assert first["complaints_filed"] == 1
    holder.submitted(world.right_a)
    kept = supervisor("GET", "/statistics").json
    assert kept["complaints_filed"] == 1 and kept["figures_at"] == first["figures_at"]  # read, not worked out
    with app.app_context():
        db = get_session()
        assert statistics.refresh_if_due(db) is False  # worked out less than a minute ago
        db.execute(update(Summary).values(computed_at=utcnow() - statistics.REFRESH_EVERY))
        db.commit()
        assert statistics.refresh_if_due(db) is True  # what `portal worker` does every round
    assert supervisor("GET", "/statistics").json["complaints_filed"] == 2
    holder.submitted(world.right_a)
    with app.app_context():
        db = get_session()  # no worker for a while: the page works the figures out itself
        db.execute(update(Summary).values(computed_at=utcnow() - statistics.SERVED_FOR))
        db.commit()
    assert supervisor("GET", "/statistics").json["complaints_filed"] == 3
    browser = app.test_client()
    sign_in(browser, world.supervisor.email)
    assert "Figures as of" in browser.get("/supervisor/").text
