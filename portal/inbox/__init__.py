"""Each user's notifications in the portal."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Flask, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user

from portal import notification_texts
from portal.db import get_session
from portal.login import actor
from portal.services import notifications as service

bp = Blueprint("notifications", __name__, url_prefix="/notifications")


@bp.get("/")
def inbox() -> str:
    before = request.args.get("before", type=int)
    page = service.inbox(get_session(), actor(), before)
    entries = [(note, *notification_texts.render(note.kind, note.params)) for note in page.items]
    return render_template("notifications/inbox.html", page=page, entries=entries)


@bp.get("/<int:notification_id>")
def open_(notification_id: int) -> ResponseReturnValue:
    note = service.open_notification(get_session(), actor(), notification_id)
    endpoint, values = notification_texts.target(note.case_id, note.complaint_id, actor().role.is_staff)
    return redirect(url_for(endpoint, **values))


@bp.post("/read-all")
def read_all() -> ResponseReturnValue:
    count = service.mark_all_read(get_session(), actor())
    flash(_("%(count)s notifications marked as read.", count=count), "success")
    return redirect(url_for("notifications.inbox"))


def init_app(app: Flask) -> None:
    @app.context_processor
    def _unread() -> dict[str, Any]:
        if not current_user or not current_user.is_authenticated:
            return {}
        return {"unread_notifications": service.unread_count(get_session(), actor())}
