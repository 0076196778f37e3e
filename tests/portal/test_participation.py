"""Rights holders taking part in a case: notices, deadlines, requests, submissions, hearings, documents."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from icalendar import Calendar
from sqlalchemy import select

from portal.db import get_session
from portal.models import LogEntry, ServedDecision, utcnow
from portal.services import deadlines
from tests.factories import PDF_BYTES, Api, World, content_of, deliver, make_world, names_field
from tests.portal.test_pages import csrf, sign_in
from tests.receivers import SMTPServer


@dataclass
class Case:
    app: Flask
    world: World
    client: FlaskClient
    holder: Api
    other: Api
    prosecutor: Api
    id: int
    evidence_a: int
    evidence_b: int

    @property
    def org_a(self) -> int:
        return self.world.holder_a.org_id or 0

    @property
    def org_b(self) -> int:
        return self.world.holder_b.org_id or 0


def open_case(app: Flask) -> Case:
    """A case that took in a complaint of organisation A and one of B: two participants."""
    world = make_world(app)
    client = app.test_client()
    holder, other, prosecutor = (Api(client, a.token) for a in (world.holder_a, world.holder_b, world.prosecutor))
    complaint_a, evidence_a = holder.submitted(world.right_a)
    complaint_b, evidence_b = other.submitted(world.right_b)
    accepted = prosecutor(
        "POST",
        f"/complaints/{complaint_a}/decision",
        json={
            "action": "accept",
            "case": {"case_number": "沪检三分院知刑诉〔2026〕12号", "procuratorate": "P", "charges": "C"},
        },
    )
    case_id = accepted.json["case_id"]
    prosecutor("POST", f"/complaints/{complaint_b}/decision", json={"action": "accept", "case_id": case_id})
    return Case(app, world, client, holder, other, prosecutor, case_id, evidence_a, evidence_b)


@pytest.fixture
def case(make_app: Callable[..., Flask], mailbox: SMTPServer) -> Case:
    return open_case(make_app(**mailbox.env()))


def kinds(api: Api) -> list[str]:
    return [n["kind"] for n in api("GET", "/notifications").json["items"]]


def proceedings(api: Api, case: Case) -> dict[str, Any]:
    response = api("GET", f"/cases/{case.id}/proceedings")
    assert response.status_code == 200, response.json
    return response.json  # type: ignore[return-value]


def log_record(app: Flask, index: int) -> bytes:
    with app.app_context():
        entry = get_session().get(LogEntry, index)
        assert entry is not None
        return entry.data


# Notices -------------------------------------------------------------------------------------


def test_notice_is_served_as_a_pdf_opened_and_acknowledged(case: Case, mailbox: SMTPServer) -> None:
    served = case.prosecutor("POST", f"/cases/{case.id}/notices", json={"org_id": case.org_a})
    assert served.status_code == 201, served.json
    notice = served.json
    assert "诉讼权利义务告知书" in notice["text_zh"] and "Maison Exemple" in notice["text_zh"]
    assert "Criminal Procedure Law" in notice["text_en"] and notice["opened_at"] is None

    served = case.holder("GET", f"/cases/{case.id}/notices/{notice['id']}/pdf")
    assert served.mimetype == "application/octet-stream"  # as the OpenAPI document says: an attachment, not shown
    pdf = content_of(served)
    assert pdf.startswith(b"%PDF") and hashlib.sha256(pdf).hexdigest() == notice["pdf_sha256"]
    assert "notice.served" in kinds(case.holder) and kinds(case.other) == ["complaint.decided"]
    deliver(case.app)
    assert any("litigation rights" in m["Subject"] for m in mailbox.messages)

    standing = proceedings(case.prosecutor, case)["notices"][0]
    assert standing["opened_at"] is not None and standing["acknowledged_at"] is None
    ack = case.holder("POST", f"/cases/{case.id}/notices/{notice['id']}/acknowledge")
    assert ack.status_code == 200 and ack.json["acknowledged_at"] is not None
    again = case.holder("POST", f"/cases/{case.id}/notices/{notice['id']}/acknowledge")
    assert again.status_code == 409 and "already" in again.json["detail"]

    # Another participant never sees it; staff cannot acknowledge for the rights holder.
    assert case.other("GET", f"/cases/{case.id}/notices/{notice['id']}").status_code == 404
    assert case.other("GET", f"/cases/{case.id}/notices/{notice['id']}/pdf").status_code == 404
    assert proceedings(case.other, case)["notices"] == []
    assert case.prosecutor("POST", f"/cases/{case.id}/notices/{notice['id']}/acknowledge").status_code == 403


def test_notice_page_lets_the_prosecutor_edit_before_serving(case: Case) -> None:
    browser = case.app.test_client()
    sign_in(browser, case.world.prosecutor.email)
    form = browser.get(f"/cases/{case.id}/notices/new?org={case.org_b}")
    text = form.get_data(as_text=True)
    assert form.status_code == 200 and "上海样例有限公司" in text
    token = csrf(browser, f"/cases/{case.id}")
    empty = browser.post(
        f"/cases/{case.id}/notices/new?org={case.org_b}", data={"csrf_token": token, "text_zh": "", "text_en": "x"}
    )
    assert empty.status_code == 422
    served = browser.post(
        f"/cases/{case.id}/notices/new?org={case.org_b}",
        data={"csrf_token": token, "text_zh": "告知书\n正文（已修改）", "text_en": "Notice\nEdited body"},
    )
    assert served.status_code == 302
    [notice] = proceedings(case.other, case)["notices"]
    assert notice["text_zh"] == "告知书\n正文（已修改）"
    page = browser.get(f"/cases/{case.id}").get_data(as_text=True)
    assert "not opened yet" in page and "Serve notice again" in page
    assert browser.get(f"/cases/{case.id}/notices/new?org=99999").status_code == 422

    holder = case.app.test_client()
    sign_in(holder, case.world.holder_b.email)
    read = holder.get(f"/cases/{case.id}/notices/{notice['id']}").get_data(as_text=True)
    assert "正文（已修改）" in read and "I acknowledge receipt" in read
    holder.post(
        f"/cases/{case.id}/notices/{notice['id']}/acknowledge", data={"csrf_token": csrf(holder, f"/cases/{case.id}")}
    )
    page = browser.get(f"/cases/{case.id}").get_data(as_text=True)
    assert "acknowledged" in page


# Deadlines -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("served", "days", "due"),
    [
        ("2026-11-02", 7, "2026-11-09"),  # an ordinary Monday to Monday
        ("2026-11-06", 7, "2026-11-13"),
        ("2026-11-09", 5, "2026-11-16"),  # the 14th is a Saturday: on to Monday
        ("2026-09-24", 7, "2026-10-08"),  # 1 October falls in the National Day holiday
        ("2026-09-28", 5, "2026-10-08"),
        ("2026-10-03", 7, "2026-10-10"),  # 10 October 2026 is a Saturday worked in exchange
        ("2026-02-10", 7, "2026-02-24"),  # Spring Festival 2026: 15-23 February off
        ("2026-04-29", 7, "2026-05-06"),  # Labour Day 1-5 May
    ],
)
def test_deadlines_count_as_the_criminal_procedure_law_does(served: str, days: int, due: str) -> None:
    assert deadlines.due_date(date.fromisoformat(served), days) == (date.fromisoformat(due), False)


def test_a_deadline_beyond_the_published_holiday_schedule_is_provisional() -> None:
    last = deadlines.published_through()
    assert last >= 2026
    day, provisional = deadlines.due_date(date(last, 12, 28), 7)
    assert day.year == last + 1 and provisional


def test_decision_opens_a_deadline_and_a_petition_within_it(case: Case) -> None:
    today = deadlines.today_in_china()
    recorded = case.prosecutor(
        "POST",
        f"/cases/{case.id}/decisions",
        json={"kind": "non_prosecution", "decided_on": today.isoformat(), "served_on": today.isoformat()},
    )
    assert recorded.status_code == 201, recorded.json
    deadline = recorded.json
    assert deadline["action"] == "petition" and deadline["days_left"] >= 7 and not deadline["expired"]
    assert "deadline.opened" in kinds(case.holder) and "deadline.opened" in kinds(case.other)

    no_text = case.holder("POST", f"/cases/{case.id}/submissions", json={"kind": "petition", "decision_id": 1})
    assert no_text.status_code == 422 and no_text.json["fields"] == {"text": "Required."}
    wrong = case.holder(
        "POST", f"/cases/{case.id}/submissions", json={"kind": "protest_request", "text": "x", "decision_id": 1}
    )
    assert wrong.status_code == 422 and "decision_id" in wrong.json["fields"]
    petition = case.holder(
        "POST",
        f"/cases/{case.id}/submissions",
        json={"kind": "petition", "text": "不服不起诉决定，申请复核。", "decision_id": deadline["decision_id"]},
    )
    assert petition.status_code == 201, petition.json
    assert petition.json["sha256"] == hashlib.sha256(log_record(case.app, petition.json["log_index"])).hexdigest()
    [mine] = proceedings(case.holder, case)["deadlines"]
    assert mine["done_by"] == [case.org_a]
    [theirs] = proceedings(case.other, case)["deadlines"]
    assert theirs["done_by"] == []  # B does not learn what A did
    assert "submission.received" in kinds(case.prosecutor)


def test_expired_deadline_refuses_the_petition_and_bad_dates_are_named(case: Case) -> None:
    long_ago = date(2026, 1, 5)
    recorded = case.prosecutor(
        "POST",
        f"/cases/{case.id}/decisions",
        json={"kind": "first_instance_judgment", "decided_on": "2026-01-04", "served_on": long_ago.isoformat()},
    )
    assert recorded.json["expired"] and recorded.json["due_on"] == "2026-01-12"
    late = case.holder(
        "POST",
        f"/cases/{case.id}/submissions",
        json={"kind": "protest_request", "text": "请求抗诉", "decision_id": recorded.json["decision_id"]},
    )
    assert late.status_code == 422 and "passed on 2026-01-12" in late.json["detail"]
    future = (deadlines.today_in_china() + timedelta(days=3)).isoformat()
    for body, field in [
        ({"kind": "non_prosecution", "decided_on": future, "served_on": future}, "decided_on"),
        ({"kind": "non_prosecution", "decided_on": "2026-03-02", "served_on": "2026-03-01"}, "served_on"),
        ({"kind": "acquittal", "decided_on": "2026-03-02", "served_on": "2026-03-02"}, "kind"),
        ({"kind": "non_prosecution", "decided_on": "2 March", "served_on": "2026-03-02"}, "decided_on"),
    ]:
        response = case.prosecutor("POST", f"/cases/{case.id}/decisions", json=body)
        assert response.status_code == 422 and field in response.json["fields"], body
    assert case.holder("POST", f"/cases/{case.id}/decisions", json={}).status_code == 403


def test_reminders_go_out_three_days_and_one_day_before_once(case: Case) -> None:
    today = deadlines.today_in_china()
    recorded = case.prosecutor(
        "POST",
        f"/cases/{case.id}/decisions",
        json={"kind": "non_prosecution", "decided_on": today.isoformat(), "served_on": today.isoformat()},
    )
    due = date.fromisoformat(recorded.json["due_on"])
    case.holder(
        "POST",
        f"/cases/{case.id}/submissions",
        json={"kind": "petition", "text": "申诉", "decision_id": recorded.json["decision_id"]},
    )
    with case.app.app_context():
        db = get_session()
        assert deadlines.send_reminders(db, today=due - timedelta(days=5)) == 0
        assert deadlines.send_reminders(db, today=due - timedelta(days=3)) == 1
        assert deadlines.send_reminders(db, today=due - timedelta(days=2)) == 0
        assert deadlines.send_reminders(db, today=due - timedelta(days=1)) == 1
        assert deadlines.send_reminders(db, today=due) == 0
    assert kinds(case.other).count("deadline.approaching") == 2
    assert "deadline.approaching" not in kinds(case.holder)  # A has filed already
    titles = [n["title"] for n in case.other("GET", "/notifications").json["items"]]
    assert any("3 days left" in t for t in titles) and any("1 day left" in t for t in titles)


# Requests and submissions -------------------------------------------------------------------


def test_request_is_answered_with_text_and_evidence(case: Case) -> None:
    due = (deadlines.today_in_china() + timedelta(days=10)).isoformat()
    made = case.prosecutor(
        "POST",
        f"/cases/{case.id}/requests",
        json={
            "org_id": case.org_a,
            "kind": "identify_goods",
            "message": "Identify the 300 seized bags.",
            "due_on": due,
        },
    )
    assert made.status_code == 201, made.json
    request_id = made.json["id"]
    assert "request.made" in kinds(case.holder) and "request.made" not in kinds(case.other)
    assert proceedings(case.other, case)["requests"] == []
    refused = case.other(
        "POST", f"/cases/{case.id}/submissions", json={"kind": "answer", "text": "x", "request_id": request_id}
    )
    assert refused.status_code == 422 and refused.json["fields"] == {"request_id": "Not your request."}
    foreign_evidence = case.holder(
        "POST",
        f"/cases/{case.id}/submissions",
        json={"kind": "answer", "text": "x", "request_id": request_id, "evidence_ids": [case.evidence_b]},
    )
    assert foreign_evidence.status_code == 422 and f"#{case.evidence_b}" in foreign_evidence.json["detail"]
    upload = case.holder.upload(case.holder("GET", "/complaints").json["items"][0]["id"], PDF_BYTES + b"appraisal")
    assert upload.status_code == 201, upload.json  # evidence can still be added while the case runs
    answer = case.holder(
        "POST",
        f"/cases/{case.id}/submissions",
        json={
            "kind": "answer",
            "text": "All 300 are counterfeit; see the appraisal.",
            "request_id": request_id,
            "evidence_ids": [upload.json["id"]],
        },
    )
    assert answer.status_code == 201, answer.json
    [request] = proceedings(case.prosecutor, case)["requests"]
    assert request["answered_at"] is not None and not request["overdue"]
    staff = case.app.test_client()
    sign_in(staff, case.world.prosecutor.email)
    page = staff.get(f"/cases/{case.id}").get_data(as_text=True)
    assert f"/cases/{case.id}/submissions/{answer.json['id']}" in page and "Read the answer" in page
    twice = case.holder(
        "POST", f"/cases/{case.id}/submissions", json={"kind": "answer", "text": "y", "request_id": request_id}
    )
    assert twice.status_code == 409
    for body, field in [
        ({"org_id": case.org_a, "kind": "more_evidence", "message": "", "due_on": due}, "message"),
        ({"org_id": case.org_a, "kind": "more_evidence", "message": "x", "due_on": "2020-01-01"}, "due_on"),
        ({"org_id": 424242, "kind": "more_evidence", "message": "x", "due_on": due}, "org_id"),
        ({"org_id": case.org_a, "kind": "coffee", "message": "x", "due_on": due}, "kind"),
    ]:
        response = case.prosecutor("POST", f"/cases/{case.id}/requests", json=body)
        assert response.status_code == 422 and field in response.json["fields"], body


def test_overdue_request_is_flagged(case: Case) -> None:
    with case.app.app_context():
        from portal.models import CaseRequest, RequestKind

        db = get_session()
        db.add(
            CaseRequest(
                case_id=case.id,
                org_id=case.org_a,
                kind=RequestKind.LOSS_STATEMENT,
                message="Statement of losses, please.",
                due_on=date(2026, 1, 2),
                created_by_id=case.world.prosecutor.id,
            )
        )
        db.commit()
    [request] = proceedings(case.prosecutor, case)["requests"]
    assert request["overdue"]
    browser = case.app.test_client()
    sign_in(browser, case.world.prosecutor.email)
    assert "overdue" in browser.get(f"/cases/{case.id}").get_data(as_text=True)


def test_opinions_and_a_structured_loss_statement(case: Case) -> None:
    for kind in ("opinion_case", "opinion_leniency", "opinion_sentencing"):
        made = case.holder("POST", f"/cases/{case.id}/submissions", json={"kind": kind, "text": f"Our view ({kind})."})
        assert made.status_code == 201, made.json
    loss = {
        "illegal_business_volume": "1250000.00",
        "units": 300,
        "genuine_unit_price": "4200.00",
        "losses_claimed": "1260000",
        "currency": "eur",
        "evidence": {"units": [case.evidence_a], "losses_claimed": [case.evidence_a]},
    }
    made = case.holder(
        "POST", f"/cases/{case.id}/submissions", json={"kind": "loss_statement", "text": "300 × 4,200", "loss": loss}
    )
    assert made.status_code == 201, made.json
    body = made.json["body"]
    assert body["currency"] == "EUR" and body["losses_claimed"] == "1260000.00"
    assert body["evidence"] == {
        "illegal_business_volume": [],
        "units": [case.evidence_a],
        "genuine_unit_price": [],
        "losses_claimed": [case.evidence_a],
    }
    record = log_record(case.app, made.json["log_index"])
    assert hashlib.sha256(record).hexdigest() == made.json["sha256"] and b'"losses_claimed":"1260000.00"' in record

    for bad, field in [
        ({**loss, "losses_claimed": None}, "losses_claimed"),
        ({**loss, "losses_claimed": "-5"}, "losses_claimed"),
        ({**loss, "losses_claimed": "lots"}, "losses_claimed"),
        ({**loss, "currency": "euro"}, "currency"),
        ({**loss, "units": "300"}, "units"),
        ({**loss, "evidence": {"units": [case.evidence_b]}}, "evidence_units"),
        ({**loss, "evidence": {"mood": [case.evidence_a]}}, "evidence"),
    ]:
        response = case.holder("POST", f"/cases/{case.id}/submissions", json={"kind": "loss_statement", "loss": bad})
        assert response.status_code == 422 and names_field(response, field), bad
    assert case.holder("POST", f"/cases/{case.id}/submissions", json={"kind": "opinion_case"}).status_code == 422
    assert case.holder("POST", f"/cases/{case.id}/submissions", json={"kind": "gossip", "text": "x"}).status_code == 422
    long = case.holder("POST", f"/cases/{case.id}/submissions", json={"kind": "opinion_case", "text": "x" * 20001})
    assert long.status_code == 422
    staff = case.prosecutor("POST", f"/cases/{case.id}/submissions", json={"kind": "opinion_case", "text": "x"})
    assert staff.status_code == 403

    mine = proceedings(case.holder, case)["submissions"]
    assert len(mine) == 4 and proceedings(case.other, case)["submissions"] == []
    assert case.other("GET", f"/cases/{case.id}/submissions/{made.json['id']}").status_code == 404
    assert len(proceedings(case.prosecutor, case)["submissions"]) == 4


def test_loss_statement_page_shows_figures_in_the_readers_locale(case: Case) -> None:
    browser = case.app.test_client()
    sign_in(browser, case.world.holder_a.email)
    token = csrf(browser, f"/cases/{case.id}/submit/loss_statement")
    bad = browser.post(
        f"/cases/{case.id}/submit/loss_statement",
        data={"csrf_token": token, "losses_claimed": "", "currency": "EUR"},
    )
    assert bad.status_code == 422
    done = browser.post(
        f"/cases/{case.id}/submit/loss_statement",
        data={
            "csrf_token": token,
            "losses_claimed": "1260000",
            "units": "300",
            "currency": "EUR",
            "evidence_units": [str(case.evidence_a)],
            "text": "300 bags",
        },
        follow_redirects=True,
    )
    page = done.get_data(as_text=True)
    assert "€1,260,000.00" in page and f"#{case.evidence_a}" in page and "SHA-256" in page
    assert browser.get(f"/cases/{case.id}/submit/nonsense").status_code == 404
    assert browser.get(f"/cases/{case.id}/submit/answer?request=999").status_code == 404


# Hearings ------------------------------------------------------------------------------------


def hearing_body(**changes: Any) -> dict[str, Any]:
    start = (utcnow() + timedelta(days=20)).replace(microsecond=0, second=0)
    return {
        "starts_at": start.isoformat(),
        "duration_minutes": 180,
        "court": "上海知识产权法院 Shanghai IP Court",
        "room": "第三法庭",
        "remote_url": "https://court.example/room/3",
        "interpreter": True,
        **changes,
    }


def test_hearing_invitations_reach_participants_with_an_ics(case: Case, mailbox: SMTPServer) -> None:
    scheduled = case.prosecutor("POST", f"/cases/{case.id}/hearings", json=hearing_body())
    assert scheduled.status_code == 201, scheduled.json
    hearing = scheduled.json
    deliver(case.app)
    invites = [m for m in mailbox.messages if "hearing scheduled" in m["Subject"]]
    assert {m["To"] for m in invites} == {case.world.holder_a.email, case.world.holder_b.email}
    [part] = [p for p in invites[0].iter_attachments() if p.get_content_type() == "text/calendar"]
    event = Calendar.from_ical(part.get_content()).walk("VEVENT")[0]
    assert event["SEQUENCE"] == 0 and "Shanghai IP Court" in str(event["LOCATION"])
    assert event.decoded("DTSTART") == datetime.fromisoformat(hearing["starts_at"])

    changed = case.prosecutor("PUT", f"/cases/{case.id}/hearings/{hearing['id']}", json=hearing_body(room="第五法庭"))
    assert changed.status_code == 200 and changed.json["sequence"] == 1
    assert changed.headers["ETag"] == '"1"'
    # An edit made against the first version would undo the change just sent.
    stale = case.prosecutor(
        "PUT",
        f"/cases/{case.id}/hearings/{hearing['id']}",
        json=hearing_body(room="第九法庭"),
        headers={"If-Match": '"0"'},
    )
    assert stale.status_code == 412 and stale.json["code"] == "precondition_failed"
    cancelled = case.prosecutor(
        "POST", f"/cases/{case.id}/hearings/{hearing['id']}/cancel", json={"reason": "The defendant is ill."}
    )
    assert cancelled.json["status"] == "cancelled"
    mailbox.messages.clear()
    deliver(case.app)
    subjects = sorted(m["Subject"] for m in mailbox.messages)
    assert len(subjects) == 4 and any("changed" in s for s in subjects) and any("cancelled" in s for s in subjects)
    last = next(m for m in mailbox.messages if "cancelled" in m["Subject"])
    [part] = [p for p in last.iter_attachments() if p.get_content_type() == "text/calendar"]
    event = Calendar.from_ical(part.get_content()).walk("VEVENT")[0]
    assert event["STATUS"] == "CANCELLED" and event["SEQUENCE"] == 2 and event["UID"].startswith("hearing-")
    ics = case.holder("GET", f"/cases/{case.id}/hearings/{hearing['id']}/ics")
    assert ics.status_code == 200 and b"STATUS:CANCELLED" in ics.data
    again = case.prosecutor("POST", f"/cases/{case.id}/hearings/{hearing['id']}/cancel", json={"reason": "x"})
    assert again.status_code == 409


def test_asking_to_attend_with_an_interpreter_and_bad_hearings(case: Case) -> None:
    hearing = case.prosecutor("POST", f"/cases/{case.id}/hearings", json=hearing_body()).json
    asked = case.holder(
        "POST",
        f"/cases/{case.id}/submissions",
        json={"kind": "attendance", "hearing_id": hearing["id"], "interpreter_language": "fr", "text": "Two people."},
    )
    assert asked.status_code == 201 and asked.json["body"]["interpreter_language"] == "fr"
    bad_language = case.holder(
        "POST",
        f"/cases/{case.id}/submissions",
        json={"kind": "attendance", "hearing_id": hearing["id"], "interpreter_language": "French!"},
    )
    assert bad_language.status_code == 422
    past = (utcnow() - timedelta(days=1)).isoformat()
    for body, field in [
        (hearing_body(starts_at=past), "starts_at"),
        (hearing_body(starts_at="2026-12-01T09:00"), "starts_at"),
        (hearing_body(duration_minutes=5), "duration_minutes"),
        (hearing_body(court=""), "court"),
        (hearing_body(remote_url="javascript:alert(1)"), "remote_url"),
    ]:
        response = case.prosecutor("POST", f"/cases/{case.id}/hearings", json=body)
        assert response.status_code == 422 and field in response.json["fields"], body
    assert case.holder("POST", f"/cases/{case.id}/hearings", json=hearing_body()).status_code == 403


def test_hearing_page_forms_in_shanghai_time(case: Case) -> None:
    browser = case.app.test_client()
    sign_in(browser, case.world.prosecutor.email)
    token = csrf(browser, f"/cases/{case.id}")
    day = (deadlines.today_in_china() + timedelta(days=30)).isoformat()
    made = browser.post(
        f"/cases/{case.id}/hearings",
        data={"csrf_token": token, "day": day, "time": "09:30", "duration_minutes": "120", "court": "Court"},
    )
    assert made.status_code == 302
    [hearing] = proceedings(case.prosecutor, case)["hearings"]
    assert hearing["starts_at"].endswith("T01:30:00Z")  # 09:30 in Shanghai
    missing = browser.post(f"/cases/{case.id}/hearings", data={"csrf_token": token, "day": day}, follow_redirects=True)
    assert "Court: This field is required." in missing.get_data(as_text=True)
    edit = browser.get(f"/cases/{case.id}/hearings/{hearing['id']}/edit")
    assert edit.status_code == 200 and 'value="09:30"' in edit.get_data(as_text=True)


# Documents -----------------------------------------------------------------------------------


def upload_document(api: Api, case: Case, data: bytes, query: str) -> Any:
    return api(
        "POST",
        f"/cases/{case.id}/documents?{query}",
        data=data,
        headers={"Content-Disposition": 'attachment; filename="indictment.pdf"', "Content-Type": "application/pdf"},
    )


def test_documents_are_shared_and_withdrawn_per_participant(case: Case) -> None:
    made = upload_document(case.prosecutor, case, PDF_BYTES, f"kind=indictment&title=起诉书&org_ids={case.org_a}")
    assert made.status_code == 201, made.json
    doc = made.json
    assert doc["sha256"] == hashlib.sha256(PDF_BYTES).hexdigest() and doc["shared_with"] == [case.org_a]
    assert content_of(case.holder("GET", f"/cases/{case.id}/documents/{doc['id']}/content")) == PDF_BYTES
    assert case.other("GET", f"/cases/{case.id}/documents/{doc['id']}/content").status_code == 404
    assert [d["id"] for d in proceedings(case.holder, case)["documents"]] == [doc["id"]]
    assert proceedings(case.other, case)["documents"] == []
    assert "document.shared" in kinds(case.holder) and "document.shared" not in kinds(case.other)

    shared = case.prosecutor("POST", f"/cases/{case.id}/documents/{doc['id']}/share", json={"org_ids": [case.org_b]})
    assert shared.json == {"shared_now": [case.org_b]}
    assert content_of(case.other("GET", f"/cases/{case.id}/documents/{doc['id']}/content")) == PDF_BYTES
    withdrawn = case.prosecutor("POST", f"/cases/{case.id}/documents/{doc['id']}/withdraw", json={"org_id": case.org_a})
    assert withdrawn.status_code == 204
    assert case.holder("GET", f"/cases/{case.id}/documents/{doc['id']}/content").status_code == 404
    twice = case.prosecutor("POST", f"/cases/{case.id}/documents/{doc['id']}/withdraw", json={"org_id": case.org_a})
    assert twice.status_code == 409


def test_bad_documents_are_refused_and_leave_nothing_stored(case: Case) -> None:
    for query, code in [
        (f"kind=verdict&title=x&org_ids={case.org_a}", 422),
        (f"kind=notice&title=x&org_ids={case.org_a}", 422),
        (f"kind=judgment&title=&org_ids={case.org_a}", 422),
        ("kind=judgment&title=x", 422),
        ("kind=judgment&title=x&org_ids=424242", 422),
        ("kind=judgment&title=x&org_ids=a", 422),
    ]:
        response = upload_document(case.prosecutor, case, PDF_BYTES + query.encode(), query)
        assert response.status_code == code, (query, response.json)
    script = upload_document(
        case.prosecutor, case, b"#!/bin/sh\necho hi\n", f"kind=judgment&title=x&org_ids={case.org_a}"
    )
    assert script.status_code == 415
    assert (
        upload_document(case.holder, case, PDF_BYTES, f"kind=judgment&title=x&org_ids={case.org_a}").status_code == 403
    )
    with case.app.app_context():
        from portal.models import CaseDocument

        assert get_session().scalars(select(CaseDocument)).all() == []


def test_document_upload_page_takes_a_raw_body_too(case: Case) -> None:
    browser = case.app.test_client()
    sign_in(browser, case.world.prosecutor.email)
    page = browser.get(f"/cases/{case.id}").get_data(as_text=True)
    assert 'id="document-upload"' in page and 'data-uppy="single"' in page
    token = csrf(browser, f"/cases/{case.id}")
    made = browser.post(
        f"/cases/{case.id}/documents?kind=judgment&title=判决书&org_ids={case.org_a}&org_ids={case.org_b}",
        data=PDF_BYTES,
        headers={
            "X-CSRFToken": token,
            "Content-Type": "application/octet-stream",
            "Content-Disposition": "attachment; filename*=UTF-8''%E5%88%A4%E5%86%B3%E4%B9%A6.pdf",
        },
    )
    assert made.status_code == 201 and made.json["filename"] == "判决书.pdf"
    holder = case.app.test_client()
    sign_in(holder, case.world.holder_b.email)
    assert "判决书" in holder.get(f"/cases/{case.id}").get_data(as_text=True)


# One timeline, no leaks ---------------------------------------------------------------------


def test_timeline_shows_each_side_only_what_is_theirs(case: Case) -> None:
    case.prosecutor("POST", f"/cases/{case.id}/notices", json={"org_id": case.org_a})
    case.holder("POST", f"/cases/{case.id}/submissions", json={"kind": "opinion_case", "text": "A's secret view"})
    case.other("POST", f"/cases/{case.id}/submissions", json={"kind": "opinion_sentencing", "text": "B's own view"})
    case.prosecutor("POST", f"/cases/{case.id}/hearings", json=hearing_body())
    staff = case.app.test_client()
    sign_in(staff, case.world.prosecutor.email)
    page = staff.get(f"/cases/{case.id}").get_data(as_text=True)
    assert "A&#39;s secret view" in page and "B&#39;s own view" in page and "Hearing scheduled" in page
    holder_b = case.app.test_client()
    sign_in(holder_b, case.world.holder_b.email)
    page = holder_b.get(f"/cases/{case.id}").get_data(as_text=True)
    assert "B&#39;s own view" in page and "Hearing scheduled" in page
    assert "A&#39;s secret view" not in page and "Notice of litigation rights and obligations served" not in page
    assert "Maison Exemple" not in page


def test_every_act_is_in_the_transparency_log(case: Case) -> None:
    case.prosecutor("POST", f"/cases/{case.id}/notices", json={"org_id": case.org_a})
    case.holder("POST", f"/cases/{case.id}/submissions", json={"kind": "opinion_case", "text": "view"})
    with case.app.app_context():
        rows = get_session().scalars(select(LogEntry.data).where(LogEntry.kind == "participation")).all()
    acts = [row.split(b'"act":"')[1].split(b'"')[0].decode() for row in rows]
    assert acts == ["document.stored", "notice.served", "submission"]


def test_decisions_table_keeps_the_computed_due_date(case: Case) -> None:
    case.prosecutor(
        "POST",
        f"/cases/{case.id}/decisions",
        json={"kind": "non_prosecution", "decided_on": "2026-09-20", "served_on": "2026-09-24"},
    )
    with case.app.app_context():
        decision = get_session().scalars(select(ServedDecision)).one()
        assert decision.due_on == date(2026, 10, 8) and not decision.due_provisional


def test_a_loss_statement_answers_its_request_and_loses_no_evidence(case: Case) -> None:
    due = (deadlines.today_in_china() + timedelta(days=10)).isoformat()
    asked = case.prosecutor(
        "POST",
        f"/cases/{case.id}/requests",
        json={"org_id": case.org_a, "kind": "loss_statement", "message": "State your losses.", "due_on": due},
    )
    other = case.prosecutor(
        "POST",
        f"/cases/{case.id}/requests",
        json={"org_id": case.org_a, "kind": "identify_goods", "message": "Identify the bags.", "due_on": due},
    )
    loss = {"losses_claimed": "1000", "currency": "EUR", "evidence": {"losses_claimed": [case.evidence_a]}}
    dropped = case.holder(
        "POST",
        f"/cases/{case.id}/submissions",
        json={"kind": "loss_statement", "loss": loss, "evidence_ids": [case.evidence_a]},
    )
    assert dropped.status_code == 422 and "loss.evidence" in dropped.json["fields"]["evidence_ids"]
    wrong = case.holder(
        "POST",
        f"/cases/{case.id}/submissions",
        json={"kind": "loss_statement", "loss": loss, "request_id": other.json["id"]},
    )
    assert wrong.status_code == 422 and wrong.json["fields"] == {"request_id": "Not a request for a loss statement."}
    stray = case.holder(
        "POST",
        f"/cases/{case.id}/submissions",
        json={"kind": "opinion_case", "text": "x", "request_id": asked.json["id"]},
    )
    assert stray.status_code == 422 and stray.json["fields"] == {"request_id": "Not taken by this kind of submission."}

    made = case.holder(
        "POST",
        f"/cases/{case.id}/submissions",
        json={"kind": "loss_statement", "loss": loss, "request_id": asked.json["id"]},
    )
    assert made.status_code == 201, made.json
    requests = {r["id"]: r for r in proceedings(case.holder, case)["requests"]}
    assert requests[asked.json["id"]]["answered_at"] is not None
    assert requests[other.json["id"]]["answered_at"] is None
    again = case.holder(
        "POST",
        f"/cases/{case.id}/submissions",
        json={"kind": "loss_statement", "loss": loss, "request_id": asked.json["id"]},
    )
    assert again.status_code == 409
