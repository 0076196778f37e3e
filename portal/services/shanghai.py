"""Asia/Shanghai time, in which statutory deadlines and powers of attorney run."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from portal.models import utcnow

CHINA = ZoneInfo("Asia/Shanghai")


def today_in_china(now: datetime | None = None) -> date:
    return (now or utcnow()).astimezone(CHINA).date()
