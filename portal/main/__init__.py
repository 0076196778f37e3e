"""Home (sends each user to their own start page) and health."""

from flask import Blueprint, redirect, url_for
from werkzeug.wrappers import Response

from portal.login import actor
from portal.models import Role

bp = Blueprint("main", __name__)

START = {
    Role.HOLDER: "holder.complaints",
    Role.PROSECUTOR: "review.queue",
    Role.SUPERVISOR: "review.queue",
    Role.ADMIN: "admin.users",
}


@bp.get("/")
def index() -> Response:
    return redirect(url_for(START[actor().role]))


@bp.get("/health")
def health() -> dict[str, str]:
    return {"status": "ok"}
