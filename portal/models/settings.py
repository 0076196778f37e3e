from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from portal.models.base import Base, utcnow


class Setting(Base):
    """A value an administrator sets in the portal rather than in the environment."""

    __tablename__ = "settings"

    name: Mapped[str] = mapped_column(String(60), primary_key=True)
    value: Mapped[Any] = mapped_column(JSON)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))


class Summary(Base):
    """Figures worked out over the whole portal, kept so that a page reads them rather than works them out."""

    __tablename__ = "summaries"

    name: Mapped[str] = mapped_column(String(60), primary_key=True)
    value: Mapped[Any] = mapped_column(JSON)
    computed_at: Mapped[datetime] = mapped_column(default=utcnow)
