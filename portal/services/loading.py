"""What lists show of each row, loaded with the rows in a few queries rather than one per row."""

from __future__ import annotations

from sqlalchemy import Select
from sqlalchemy.orm import selectinload

from portal.models import Complaint


def with_details(query: Select[Complaint]) -> Select[Complaint]:
    """A list of complaints with what a row of it shows: organisation, rights, infringers, requests, assignee."""
    return query.options(
        selectinload(Complaint.organisation),
        selectinload(Complaint.rights),
        selectinload(Complaint.infringers),
        selectinload(Complaint.info_requests),
        selectinload(Complaint.assigned_to),
    )
