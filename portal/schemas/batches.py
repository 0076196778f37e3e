"""Bulk filing: a sheet of complaints checked, then filed."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import Field

from portal.models import RowState
from portal.schemas.base import Input, Output, Query, QueryBool


class BatchOptions(Input):
    submit: QueryBool = Field(
        False, description="File the valid rows as submitted complaints (true), or as drafts to finish by hand."
    )


class BatchForm(BatchOptions):
    """The multipart form that sends a batch."""

    sheet: bytes = Field(
        description="The filled-in template: XLSX or CSV (UTF-8), one complaint per row, at most 500 rows and 5 MiB."
    )
    archive: bytes | None = Field(
        None,
        description="A ZIP of the evidence files the rows name (up to MAX_UPLOAD_BYTES). Larger files go by "
        "resumable upload (/uploads), named by their ids in the evidence column instead.",
    )


class TemplateQuery(Query):
    format: Literal["xlsx", "csv"] = "xlsx"


class RowError(Output):
    column: str = Field(description="The sheet's column, or `row` for the row as a whole.")
    message: str


class BatchRow(Output):
    row: int = Field(description="The row's number in the sheet (the header is row 1).")
    state: RowState = Field(
        description="invalid: not filed, see errors; ready: to be filed; filed; failed: refused while filing."
    )
    title: str
    principal: str | None = Field(description="The rights holder the complaint is for.")
    evidence: list[str] = Field(description="The files the row names, as they will be received.")
    errors: list[RowError]
    complaint_id: int | None
    complaint: str | None = Field(description="The filed complaint's reference.", examples=["IPC-2026-000042"])


class BatchCounts(Output):
    rows: int
    invalid: int
    ready: int
    filed: int
    failed: int


class Batch(Output):
    id: str = Field(description="The batch's id: filing it again with this id files nothing twice.")
    sheet: str
    archive: str | None = Field(description="The ZIP sent with it, while it is kept (until the batch is filed).")
    submit: bool
    created_at: datetime
    filed_at: datetime | None
    counts: BatchCounts = Field(description="How many rows stand where.")
    rows: list[BatchRow] = Field(description="Every row of the sheet, in its order.")
