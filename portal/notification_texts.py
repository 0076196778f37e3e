"""What a notification says, in the reader's language: a title and a few detail lines per kind.

Notifications keep their kind and parameters, not text, so the inbox and
e-mails speak the reader's current language and time zone.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from flask_babel import gettext as _

from portal import labels
from portal.models import EventKind, Stage
from portal.templating import when

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


def _test(p: Params) -> tuple[str, list[str]]:
    return _("Test event"), [p["message"]]


TEXTS: dict[EventKind, Callable[[Params], tuple[str, list[str]]]] = {
    EventKind.COMPLAINT_DECIDED: _complaint_decided,
    EventKind.STAGE_CHANGED: _stage_changed,
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
