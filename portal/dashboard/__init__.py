"""The supervisor's dashboard: charts of the portal's volume and pace, overdue items, workload."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, render_template
from flask_babel import gettext as _

from portal import labels
from portal.db import get_session
from portal.login import actor
from portal.services import statistics
from portal.services.shanghai import today_in_china

bp = Blueprint("dashboard", __name__, url_prefix="/supervisor")


def charts(board: statistics.Dashboard) -> dict[str, Any]:
    """What the page's charts draw, with labels in the reader's language."""
    figures = board.figures
    stages = list(figures.time_in_stage)
    return {
        "status": {
            "type": "bar",
            "labels": [str(labels.COMPLAINT_STATUS[s]) for s in figures.complaints_by_status],
            "series": [{"label": _("Complaints"), "data": list(figures.complaints_by_status.values())}],
        },
        "stage": {
            "type": "bar",
            "horizontal": True,
            "labels": [str(labels.STAGE[s]) for s in figures.cases_by_stage],
            "series": [{"label": _("Cases"), "data": list(figures.cases_by_stage.values())}],
        },
        "origin": {
            "type": "doughnut",
            "labels": [_("Foreign rights holders"), _("Domestic rights holders")],
            "series": [{"label": _("Complaints"), "data": [figures.origin["foreign"], figures.origin["domestic"]]}],
        },
        "country": {
            "type": "bar",
            "labels": [country for country, _count in figures.by_country],
            "series": [{"label": _("Complaints"), "data": [count for _country, count in figures.by_country]}],
        },
        "right": {
            "type": "bar",
            "labels": [str(labels.RIGHT_TYPE[t]) for t in figures.by_right_type],
            "series": [{"label": _("Complaints"), "data": list(figures.by_right_type.values())}],
        },
        "time": {
            "type": "bar",
            "horizontal": True,
            "labels": [str(labels.STAGE[s]) for s in stages],
            "series": [
                {"label": _("Median days"), "data": [figures.time_in_stage[s].median for s in stages]},
                {"label": _("90th percentile, days"), "data": [figures.time_in_stage[s].p90 for s in stages]},
            ],
        },
    }


@bp.get("/")
def index() -> str:
    board = statistics.dashboard(get_session(), actor())
    return render_template("dashboard/index.html", board=board, charts=charts(board), today=today_in_china())
