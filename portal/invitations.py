"""Hearing invitations as iCalendar (RFC 5545): one UID per hearing, SEQUENCE raised at each change,
so a calendar replaces the earlier invitation, and marks it cancelled when it is."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from icalendar import Calendar, Event

from portal.models import HearingStatus

PRODID = "-//IP Evidence Portal//Hearings//EN"


def ics(params: dict[str, Any], summary: str, url: str) -> bytes:
    """The invitation for a hearing as notified (the event's parameters), with a translated summary."""
    cancelled = params["status"] == HearingStatus.CANCELLED.value
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    # PUBLISH rather than iTIP's REQUEST/CANCEL: participants do not reply through their calendars.
    calendar.add("method", "PUBLISH")
    event = Event()
    event.add("uid", params["uid"])
    event.add("sequence", params["sequence"])
    event.add("dtstamp", datetime.now(UTC))
    event.add("dtstart", datetime.fromisoformat(params["starts_at"]))
    event.add("dtend", datetime.fromisoformat(params["ends_at"]))
    event.add("summary", summary)
    event.add("location", ", ".join(part for part in (params["court"], params["room"]) if part))
    event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    event.add("url", params["remote_url"] or url)
    event.add("description", "\n".join(part for part in (params["note"], params["remote_url"], url) if part))
    calendar.add_component(event)
    return calendar.to_ical()
