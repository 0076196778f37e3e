"""What a notification says, in the reader's language: a title and a few detail lines per kind.

Notifications keep their kind and parameters, not text, so the inbox and
e-mails speak the reader's current language and time zone.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from typing import Any

from flask_babel import gettext as _
from flask_babel import ngettext

from portal import labels
from portal.models import AgencyScope, DecisionKind, EventKind, RequestKind, Stage, SubmissionKind
from portal.templating import court_time, when

Params = dict[str, Any]


def _on(value: str) -> str:
    return when(date.fromisoformat(value))


def _complaint_decided(p: Params) -> tuple[str, list[str]]:
    if p["decision"] == "accepted":
        return _("Complaint %(complaint)s was accepted into case %(case)s", **p), []
    if p["decision"] == "declined":
        return _("Complaint %(complaint)s was declined", **p), [_("Reason: %(reason)s", reason=p["reason"])]
    return _("More information is requested on complaint %(complaint)s", **p), [
        p["message"],
        _("Reply by %(date)s (Asia/Shanghai).", date=_on(p["due"])),
    ]


def _stage_changed(p: Params) -> tuple[str, list[str]]:
    stage = labels.STAGE[Stage(p["stage"])]
    lines = [_("Since %(date)s.", date=_on(p["occurred_on"]))]
    if p.get("note"):
        lines.append(p["note"])
    return _("Case %(case)s: %(stage)s", case=p["case"], stage=stage), lines


def _notice_served(p: Params) -> tuple[str, list[str]]:
    return _("Case %(case)s: you have been served a notice of your litigation rights and obligations", **p), [
        _("Read it and acknowledge it in the portal.")
    ]


def _due(p: Params) -> str:
    line = _("The deadline is %(date)s (Asia/Shanghai).", date=_on(p["due"]))
    if p.get("provisional"):
        line += " " + _("The official holiday schedule for that year is not published yet; the date may still move.")
    return line


def _deadline_opened(p: Params) -> tuple[str, list[str]]:
    decision = labels.DECISION_KIND[DecisionKind(p["decision"])]
    action = labels.SUBMISSION_KIND[SubmissionKind(p["action"])]
    title = _("Case %(case)s: %(decision)s served", case=p["case"], decision=decision)
    return title, [_("You may file: %(action)s.", action=action), _due(p)]


def _deadline_approaching(p: Params) -> tuple[str, list[str]]:
    action = labels.SUBMISSION_KIND[SubmissionKind(p["action"])]
    title = ngettext(
        "Case %(case)s: %(num)d day left to file %(action)s",
        "Case %(case)s: %(num)d days left to file %(action)s",
        p["days_left"],
        case=p["case"],
        action=action,
    )
    return title, [_due(p)]


def _request_made(p: Params) -> tuple[str, list[str]]:
    kind = labels.REQUEST_KIND[RequestKind(p["request"])]
    return _("Case %(case)s: the prosecutor asks for %(request)s", case=p["case"], request=kind), [
        p["message"],
        _("Answer by %(date)s (Asia/Shanghai).", date=_on(p["due"])),
    ]


def _hearing_lines(p: Params) -> list[str]:
    lines = [
        _("%(start)s, %(court)s", start=court_time(datetime.fromisoformat(p["starts_at"])), court=p["court"])
        + (f", {p['room']}" if p["room"] else "")
    ]
    if p["remote_url"]:
        lines.append(_("Remote attendance: %(url)s", url=p["remote_url"]))
    if p["interpreter"]:
        lines.append(_("An interpreter is available; say which language you need when you ask to attend."))
    if p["note"]:
        lines.append(p["note"])
    return lines


def _hearing_scheduled(p: Params) -> tuple[str, list[str]]:
    return _("Case %(case)s: hearing scheduled", case=p["case"]), _hearing_lines(p)


def _hearing_changed(p: Params) -> tuple[str, list[str]]:
    return _("Case %(case)s: hearing changed", case=p["case"]), _hearing_lines(p)


def _hearing_cancelled(p: Params) -> tuple[str, list[str]]:
    start = court_time(datetime.fromisoformat(p["starts_at"]))
    return _("Case %(case)s: the hearing on %(start)s is cancelled", case=p["case"], start=start), [
        _("Reason: %(reason)s", reason=p["reason"])
    ]


def _document_shared(p: Params) -> tuple[str, list[str]]:
    return _("Case %(case)s: document shared with you", case=p["case"]), [f"{p['title']} ({p['filename']})"]


def _submission_received(p: Params) -> tuple[str, list[str]]:
    kind = labels.SUBMISSION_KIND[SubmissionKind(p["submission"])]
    return _(
        "Case %(case)s: %(organisation)s submitted %(kind)s", case=p["case"], organisation=p["organisation"], kind=kind
    ), []


def _power_lines(p: Params) -> list[str]:
    scopes = "; ".join(str(labels.AGENCY_SCOPE[AgencyScope(s)]) for s in p["scopes"])
    return [
        _("You may %(scopes)s.", scopes=scopes),
        _("Valid from %(start)s to %(end)s.", start=_on(p["valid_from"]), end=_on(p["valid_until"])),
    ]


def _power_granted(p: Params) -> tuple[str, list[str]]:
    return _("%(principal)s has given you a power of attorney", principal=p["principal"]), _power_lines(p)


def _power_revoked(p: Params) -> tuple[str, list[str]]:
    return _("%(principal)s has revoked your power of attorney", principal=p["principal"]), []


def _assigned(p: Params) -> tuple[str, list[str]]:
    if p["what"] == "case":
        return _("Case %(reference)s is now yours", reference=p["reference"]), [p["title"]]
    return _("Complaint %(reference)s is assigned to you", reference=p["reference"]), [p["title"]]


def _test(p: Params) -> tuple[str, list[str]]:
    return _("Test event"), [p["message"]]


TEXTS: dict[EventKind, Callable[[Params], tuple[str, list[str]]]] = {
    EventKind.COMPLAINT_DECIDED: _complaint_decided,
    EventKind.STAGE_CHANGED: _stage_changed,
    EventKind.NOTICE_SERVED: _notice_served,
    EventKind.DEADLINE_OPENED: _deadline_opened,
    EventKind.DEADLINE_APPROACHING: _deadline_approaching,
    EventKind.REQUEST_MADE: _request_made,
    EventKind.HEARING_SCHEDULED: _hearing_scheduled,
    EventKind.HEARING_CHANGED: _hearing_changed,
    EventKind.HEARING_CANCELLED: _hearing_cancelled,
    EventKind.DOCUMENT_SHARED: _document_shared,
    EventKind.SUBMISSION_RECEIVED: _submission_received,
    EventKind.POWER_GRANTED: _power_granted,
    EventKind.POWER_REVOKED: _power_revoked,
    EventKind.ASSIGNED: _assigned,
    EventKind.TEST: _test,
}


def render(kind: EventKind, params: Params) -> tuple[str, list[str]]:
    """The title and detail lines, in the current locale."""
    return TEXTS[kind](params)


def target(case_id: int | None, complaint_id: int | None, staff: bool) -> tuple[str, dict[str, Any]]:
    """The endpoint a notification leads its reader to: the complaint or case page for their side."""
    if complaint_id is not None:
        return ("review.complaint" if staff else "holder.complaint"), {"complaint_id": complaint_id}
    if case_id is not None:
        return "cases.case", {"case_id": case_id}
    return "notifications.inbox", {}
