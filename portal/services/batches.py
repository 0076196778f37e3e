"""Bulk filing: complaints from one sheet, checked as a whole, then the valid rows filed, each once.

Checking files nothing. It reads every row against the same rules as a
complaint filed by hand, resolves principals, rights and evidence, and keeps
the report; a ZIP of evidence sent with the sheet waits in the evidence
store, under the batch's id, until the batch is filed or expires.

Filing goes row by row. A row's complaint, and each file it receives, is
recorded on the row in the transaction that makes it, so a filing cut off
(a worker killed, the store down) goes on from where it stopped when asked
again, and a batch asked to file twice files once. One request files a
batch at a time: it holds the batch's lease, renewed with every row.
"""

from __future__ import annotations

import csv
import io
import logging
import re
import secrets
import tempfile
import zipfile
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal, InvalidOperation
from typing import IO, Any

from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session, selectinload

from evidence import sniff
from evidence.errors import EvidenceError, StoreUnavailable
from evidence.filenames import clean_display_name
from evidence.ingest import Ingest, Ingested, chunks_of
from evidence.stores import Partial, Store
from portal.models import (
    AgencyScope,
    BatchRow,
    Complaint,
    ComplaintStatus,
    EvidenceItem,
    EvidenceKind,
    FilingBatch,
    IPRight,
    Organisation,
    OrgKind,
    ResumableUpload,
    RowState,
    User,
    utcnow,
)
from portal.services import complaints, evidence, receipts, resumable_uploads
from portal.services.access import require_filer
from portal.services.agency import acting_orgs
from portal.services.batch_sheets import LIST_SEPARATOR, MAX_INFRINGERS, SheetRow, column_of, read
from portal.services.errors import Conflict, DomainError, Gone, Invalid, NotFound

log = logging.getLogger(__name__)

KEPT_FOR = timedelta(days=7)
"""A batch not filed is removed, with its ZIP, this long after it was checked."""
LEASE_FOR = timedelta(minutes=5)
MAX_ARCHIVE_ENTRIES = 10_000
MAX_FILES_PER_ROW = 50
_UPLOAD_ID = re.compile(r"[A-Za-z0-9_-]{32}")


def _error(message: str, **params: object) -> list[Any]:
    return [message, params]


def counts(batch: FilingBatch) -> dict[RowState, int]:
    """How many of the batch's rows are in each state (every state named, at zero too)."""
    tally = Counter(row.state for row in batch.rows)
    return {state: tally[state] for state in RowState}


def message_of(error: list[Any]) -> str:
    template, params = error
    return str(template % params if params else template)


# Reading the ZIP --------------------------------------------------------------------------------


@dataclass
class Archive:
    """The ZIP sent with a sheet: its files by name, and by base name where that is unambiguous."""

    zip: zipfile.ZipFile
    by_name: dict[str, zipfile.ZipInfo] = field(default_factory=dict)

    @classmethod
    def open(cls, handle: IO[bytes]) -> Archive:
        try:
            archive = zipfile.ZipFile(handle)
        except (zipfile.BadZipFile, OSError, ValueError):
            raise Invalid("The evidence archive is not a ZIP file.", {"archive": "Not a ZIP file."}) from None
        entries = [info for info in archive.infolist() if not info.is_dir()]
        if len(entries) > MAX_ARCHIVE_ENTRIES:
            raise Invalid(
                "The ZIP holds more than %(count)d files; split the batch.",
                {"archive": "Too many files."},
                count=MAX_ARCHIVE_ENTRIES,
            )
        found = cls(archive, {info.filename: info for info in entries})
        bases: dict[str, list[zipfile.ZipInfo]] = {}
        for info in entries:
            bases.setdefault(info.filename.rsplit("/", 1)[-1], []).append(info)
        for base, infos in bases.items():
            if len(infos) == 1:
                found.by_name.setdefault(base, infos[0])
        return found

    def entry(self, name: str) -> zipfile.ZipInfo | None:
        return self.by_name.get(name)

    def chunks(self, info: zipfile.ZipInfo) -> Iterator[bytes]:
        with self.zip.open(info) as handle:
            yield from chunks_of(handle)

    def head(self, info: zipfile.ZipInfo) -> bytes:
        with self.zip.open(info) as handle:
            return handle.read(sniff.SNIFF_BYTES)


def _keep_archive(store: Store, batch_id: str, handle: IO[bytes], length: int) -> Partial:
    """The ZIP into the store, under the batch's id, as one finished partial."""
    partial = store.begin_partial(batch_id, length)
    try:
        appending = store.append_partial(partial, 0)
        handle.seek(0)
        for chunk in chunks_of(handle):
            appending.write(chunk)
        return appending.save(final=True)
    except BaseException:
        store.drop_partial(partial)
        raise


def _drop_archive(store: Store, kept: dict[str, Any]) -> None:
    try:
        store.drop_partial(Partial.of(kept))
    except StoreUnavailable as exc:
        log.warning("a batch's ZIP is left for the sweeper: %s", exc.detail)


@contextmanager
def _opened(handle: IO[bytes]) -> Iterator[Archive]:
    archive = Archive.open(handle)
    try:
        yield archive
    finally:
        archive.zip.close()


@contextmanager
def _kept_archive(store: Store, batch: FilingBatch) -> Iterator[Archive | None]:
    """The batch's ZIP, copied from the store to a local file to be read at random."""
    if batch.archive is None:
        yield None
        return
    with tempfile.TemporaryFile() as handle:
        assembled = store.assemble_partial(Partial.of(batch.archive))
        try:
            for chunk in assembled.read():
                handle.write(chunk)
        finally:
            assembled.abort()  # the ZIP stays in the store until the batch is filed
        with _opened(handle) as archive:
            yield archive


# Checking ----------------------------------------------------------------------------------------


@dataclass
class _Context:
    """What every row is checked against, loaded once for the whole batch."""

    own: int | None
    """The actor's organisation, when it is a rights holder (which files only for itself)."""
    orgs: dict[int, Organisation]
    rights: dict[tuple[int, str], list[IPRight]]
    archive: Archive | None
    uploads: dict[str, ResumableUpload]
    submit: bool
    max_bytes: int
    types: dict[str, str] = field(default_factory=dict)
    """Media types of the ZIP's files, sniffed once each."""
    used: dict[str, int] = field(default_factory=dict)
    """Resumable uploads named so far, by the row that named them."""

    def principal(self, name: str) -> int | None:
        wanted = name.strip().casefold()
        for org in self.orgs.values():
            if org.legal_name.strip().casefold() == wanted or str(org.id) == wanted:
                return org.id
        return None


def _split(text: str) -> list[str]:
    return [part.strip() for part in text.replace("\n", LIST_SEPARATOR).split(LIST_SEPARATOR) if part.strip()]


def _context(
    session: Session,
    actor: User,
    filer: Organisation,
    rows: list[SheetRow],
    archive: Archive | None,
    submit: bool,
    max_bytes: int,
) -> _Context:
    org_ids = acting_orgs(session, actor, AgencyScope.COMPLAINTS)
    orgs = {org.id: org for org in session.scalars(select(Organisation).where(Organisation.id.in_(org_ids)))}
    numbers = {number for row in rows for number in _split(row.values.get("rights", ""))}
    rights: dict[tuple[int, str], list[IPRight]] = {}
    if numbers and org_ids:
        query = select(IPRight).where(IPRight.org_id.in_(org_ids), IPRight.registration_number.in_(numbers))
        for right in session.scalars(query):
            rights.setdefault((right.org_id, right.registration_number), []).append(right)
    refs = {ref for row in rows for ref in _split(row.values.get("evidence", "")) if _UPLOAD_ID.fullmatch(ref)}
    uploads: dict[str, ResumableUpload] = {}
    if refs:
        mine = select(ResumableUpload).where(ResumableUpload.id.in_(refs), ResumableUpload.user_id == actor.id)
        uploads = {upload.id: upload for upload in session.scalars(mine)}
    own = filer.id if filer.kind is OrgKind.RIGHTS_HOLDER else None
    return _Context(own, orgs, rights, archive, uploads, submit, max_bytes)


def _text(values: dict[str, str], name: str) -> str:
    return values.get(name, "").strip()


def _infringer_prefix(number: int) -> str:
    return "infringer_" if number == 1 else f"infringer_{number}_"


def _check_row(row: SheetRow, ctx: _Context) -> tuple[int | None, dict[str, Any], dict[str, list[Any]]]:
    """The row's principal, its complaint and evidence as they will be filed, and its errors by column."""
    values = row.values
    errors: dict[str, list[Any]] = {}
    if values.get(""):
        errors["row"] = _error("The row has values beyond the last named column.")
    for name, text in values.items():
        column = column_of(name)
        if column is not None and len(text) > column.max_length:
            errors[name] = _error("Longer than %(max)d characters.", max=column.max_length)

    principal = _text(values, "principal")
    org_id: int | None
    if ctx.own is not None:
        org_id = ctx.own
        if principal and ctx.principal(principal) != ctx.own:
            errors["principal"] = _error("You file only for your own organisation; leave this empty.")
    elif not principal:
        org_id = None
        errors["principal"] = _error("Name the rights holder you file this complaint for.")
    else:
        org_id = ctx.principal(principal)
        if org_id is None:
            errors["principal"] = _error("You hold no power of attorney in force to file for %(name)s.", name=principal)

    right_ids: list[int] = []
    for number in _split(_text(values, "rights")):
        found = ctx.rights.get((org_id, number), []) if org_id is not None else []
        current = [right for right in found if right.retired_at is None]
        if org_id is None:
            break
        if not found:
            errors["rights"] = _error(
                "No right recorded for the rights holder has the number %(number)s.", number=number
            )
        elif not current:
            errors["rights"] = _error("The right %(number)s is retired.", number=number)
        elif len(current) > 1:
            errors["rights"] = _error("Two recorded rights have the number %(number)s; retire one.", number=number)
        else:
            right_ids.append(current[0].id)

    infringers: list[complaints.InfringerInput] = []
    prefixes: list[str] = []
    for position in range(1, MAX_INFRINGERS + 1):
        prefix = _infringer_prefix(position)
        parts = {part: _text(values, prefix + part) for part in ("name", "platform", "shop_urls", "address")}
        if any(parts.values()):
            prefixes.append(prefix)
            infringers.append(
                complaints.InfringerInput(
                    parts["name"], parts["address"], tuple(_split(parts["shop_urls"])), parts["platform"]
                )
            )
    for prefix in prefixes:
        if len(_split(_text(values, prefix + "shop_urls"))) > 20:
            errors[prefix + "shop_urls"] = _error("At most %(count)d web addresses.", count=20)

    discovered_on: date | None = None
    if text := _text(values, "discovered_on"):
        try:
            discovered_on = date.fromisoformat(text)
        except ValueError:
            errors["discovered_on"] = _error("Write the date as YYYY-MM-DD.")
    volume: Decimal | None = None
    if text := _text(values, "illegal_volume"):
        try:
            volume = Decimal(text)
        except InvalidOperation:
            volume = None
        if volume is None or not volume.is_finite() or abs(volume) >= Decimal(10) ** 16:
            volume = None
            errors["illegal_volume"] = _error("Write a number, such as 125000.00.")
        else:
            volume = volume.quantize(Decimal("0.01"))
    units: int | None = None
    if text := _text(values, "units"):
        if text.isascii() and text.isdigit() and int(text) < 2**31:
            units = int(text)
        else:
            errors["units"] = _error("Write a whole number.")
    language = _text(values, "language").lower() or "en"
    if language not in ("en", "zh"):
        errors["language"] = _error("Write en or zh.")
    kind_text = _text(values, "evidence_kind").lower() or EvidenceKind.OTHER.value
    if kind_text not in {kind.value for kind in EvidenceKind}:
        errors["evidence_kind"] = _error(
            "Not a kind of evidence; use one of: %(kinds)s.", kinds=", ".join(kind.value for kind in EvidenceKind)
        )

    files, problem = _check_evidence(row.number, _split(_text(values, "evidence")), ctx)
    if problem is not None:
        errors["evidence"] = problem

    data = complaints.ComplaintInput(
        title=_text(values, "title"),
        facts=_text(values, "facts"),
        right_ids=tuple(right_ids),
        infringers=tuple(infringers),
        discovered_on=discovered_on,
        discovery_method=_text(values, "discovery_method"),
        illegal_volume=volume,
        units=units,
        currency=(_text(values, "currency") or "CNY").upper(),
        language=language,
    )
    rules = complaints.field_errors(data)
    if ctx.submit:
        rules.update(complaints.missing_for_submission(data.facts, bool(right_ids), bool(infringers), bool(files)))
    for key, message in rules.items():
        errors.setdefault(_column_of_rule(key, prefixes), _error(message))
    return org_id, {"complaint": _as_json(data), "evidence": files, "kind": kind_text}, errors


def _column_of_rule(key: str, prefixes: list[str]) -> str:
    """The sheet's column for a complaint rule's field (infringers-2-name is the second infringer's name)."""
    if key == "right_ids":
        return "rights"
    if key == "infringers":
        return "infringer_name"
    if match := re.fullmatch(r"infringers-(\d+)-(\w+)", key):
        return prefixes[int(match.group(1)) - 1] + match.group(2)
    return key


def _check_evidence(number: int, refs: list[str], ctx: _Context) -> tuple[list[dict[str, str]], list[Any] | None]:
    """The row's evidence as it will be received; the first problem with it, if any."""
    if len(refs) > MAX_FILES_PER_ROW:
        return [], _error("At most %(count)d files for one complaint.", count=MAX_FILES_PER_ROW)
    files: list[dict[str, str]] = []
    for ref in refs:
        info = ctx.archive.entry(ref) if ctx.archive is not None else None
        if info is not None and ctx.archive is not None:
            if info.flag_bits & 0x1:
                return files, _error("%(name)s is encrypted in the ZIP; send it unencrypted.", name=ref)
            if info.file_size == 0:
                return files, _error("%(name)s is empty.", name=ref)
            if info.file_size > ctx.max_bytes:
                return files, _error("%(name)s is larger than the portal accepts.", name=ref)
            if info.filename not in ctx.types:
                try:
                    ctx.types[info.filename] = sniff.detect(ctx.archive.head(info))
                except (zipfile.BadZipFile, OSError, NotImplementedError, EOFError):
                    ctx.types[info.filename] = ""
            media_type = ctx.types[info.filename]
            if not media_type:
                return files, _error("%(name)s cannot be read from the ZIP.", name=ref)
            if not sniff.is_allowed(media_type):
                return files, _error(
                    "%(name)s is a file of type %(type)s, which is not accepted as evidence.", name=ref, type=media_type
                )
            files.append({"ref": ref, "source": "archive", "name": info.filename})
            continue
        upload = ctx.uploads.get(ref)
        if upload is None:
            if ctx.archive is None:
                return files, _error(
                    "%(name)s is not a finished upload of yours, and no ZIP was sent with the sheet.", name=ref
                )
            return files, _error("There is no file %(name)s in the ZIP.", name=ref)
        if upload.offset != upload.length:
            return files, _error("The upload %(name)s is not finished.", name=ref)
        if ref in ctx.used:
            return files, _error("The upload %(name)s is named in row %(row)d already.", name=ref, row=ctx.used[ref])
        ctx.used[ref] = number
        files.append({"ref": ref, "source": "upload", "name": upload.filename})
    return files, None


def _as_json(data: complaints.ComplaintInput) -> dict[str, Any]:
    return {
        "title": data.title,
        "facts": data.facts,
        "right_ids": list(data.right_ids),
        "infringers": [
            {"name": i.name, "address": i.address, "shop_urls": list(i.shop_urls), "platform": i.platform}
            for i in data.infringers
        ],
        "discovered_on": data.discovered_on.isoformat() if data.discovered_on else None,
        "discovery_method": data.discovery_method,
        "illegal_volume": str(data.illegal_volume) if data.illegal_volume is not None else None,
        "units": data.units,
        "currency": data.currency,
        "language": data.language,
    }


def _input(kept: dict[str, Any]) -> complaints.ComplaintInput:
    return complaints.ComplaintInput(
        title=kept["title"],
        facts=kept["facts"],
        right_ids=tuple(kept["right_ids"]),
        infringers=tuple(
            complaints.InfringerInput(i["name"], i["address"], tuple(i["shop_urls"]), i["platform"])
            for i in kept["infringers"]
        ),
        discovered_on=date.fromisoformat(kept["discovered_on"]) if kept["discovered_on"] else None,
        discovery_method=kept["discovery_method"],
        illegal_volume=Decimal(kept["illegal_volume"]) if kept["illegal_volume"] is not None else None,
        units=kept["units"],
        currency=kept["currency"],
        language=kept["language"],
    )


def check(
    session: Session,
    store: Store,
    actor: User,
    sheet_name: str,
    sheet: bytes,
    submit: bool,
    max_bytes: int,
    archive: IO[bytes] | None = None,
    archive_name: str = "",
) -> FilingBatch:
    """Check a filled-in template (and the ZIP of evidence sent with it): a batch with a report per row.

    Nothing is filed. The ZIP is kept in the store only if a valid row needs one of its files.
    """
    filer = require_filer(actor)
    rows = read(sheet)
    length = 0
    opened: Archive | None = None
    if archive is not None:
        length = archive.seek(0, io.SEEK_END)
        if length > max_bytes:
            raise Invalid(
                "The ZIP is larger than the %(size)d MiB the portal accepts; name large files by resumable "
                "uploads instead.",
                {"archive": "Too large."},
                size=max_bytes // (1024 * 1024),
            )
        opened = Archive.open(archive)
    try:
        ctx = _context(session, actor, filer, rows, opened, submit, max_bytes)
        checked = [(row, *_check_row(row, ctx)) for row in rows]
    finally:
        if opened is not None:
            opened.zip.close()
    batch = FilingBatch(
        id=secrets.token_urlsafe(24), user_id=actor.id, sheet_name=clean_display_name(sheet_name), submit=submit
    )
    for row, org_id, values, errors in checked:
        batch.rows.append(
            BatchRow(
                number=row.number,
                title=values["complaint"]["title"][:200],
                org_id=org_id,
                values=values,
                errors=errors,
                state=RowState.INVALID if errors else RowState.READY,
                received=[],
            )
        )
    needs_archive = any(
        not errors and any(f["source"] == "archive" for f in values["evidence"])
        for _row, _org, values, errors in checked
    )
    if archive is not None and needs_archive:
        batch.archive = _keep_archive(store, batch.id, archive, length).as_dict()
        batch.archive_name = clean_display_name(archive_name or "evidence.zip")
    session.add(batch)
    try:
        session.commit()
    except BaseException:
        session.rollback()
        if batch.archive is not None:
            _drop_archive(store, batch.archive)
        raise
    return batch


# Filing ------------------------------------------------------------------------------------------


def get(session: Session, actor: User, batch_id: str) -> FilingBatch:
    """The actor's own batch, with its rows; nobody else's exists for them."""
    batch = session.scalar(
        select(FilingBatch)
        .where(FilingBatch.id == batch_id, FilingBatch.user_id == actor.id)
        .options(
            selectinload(FilingBatch.rows).selectinload(BatchRow.complaint),
            selectinload(FilingBatch.rows).selectinload(BatchRow.organisation),
        )
    )
    if batch is None:
        raise NotFound("There is no such batch.")
    return batch


def recent(session: Session, actor: User, limit: int = 20) -> list[tuple[FilingBatch, dict[RowState, int]]]:
    """The actor's latest batches, each with how many rows stand where."""
    batches = list(
        session.scalars(
            select(FilingBatch)
            .where(FilingBatch.user_id == actor.id)
            .order_by(FilingBatch.created_at.desc())
            .limit(limit)
        )
    )
    counts: dict[str, dict[RowState, int]] = {batch.id: {} for batch in batches}
    if batches:
        query = (
            select(BatchRow.batch_id, BatchRow.state, func.count())
            .where(BatchRow.batch_id.in_(counts))
            .group_by(BatchRow.batch_id, BatchRow.state)
        )
        for batch_id, state, count in session.execute(query):
            counts[batch_id][state] = count
    return [(batch, counts[batch.id]) for batch in batches]


def _lease(session: Session, batch: FilingBatch) -> str | None:
    """Take the batch to file it; None if it is filed already; Conflict while another request files it."""
    token, now = secrets.token_hex(8), utcnow()
    taken = session.execute(
        update(FilingBatch)
        .where(
            FilingBatch.id == batch.id,
            FilingBatch.filed_at.is_(None),
            FilingBatch.lease.is_(None) | (FilingBatch.lease_until < now),
        )
        .values(lease=token, lease_until=now + LEASE_FOR)
        .execution_options(synchronize_session=False)
    )
    session.commit()
    session.refresh(batch)
    if taken.rowcount == 1:  # type: ignore[attr-defined]
        return token
    if batch.filed_at is not None:
        return None
    raise Conflict("Another request is filing this batch; ask for the batch again shortly to see how far it got.")


def file(
    session: Session, store: Store, notary: receipts.Notary, actor: User, batch_id: str, max_bytes: int
) -> FilingBatch:
    """File the batch's valid rows: each a complaint, as a draft or submitted as chosen, with its evidence.

    Asked again, it files what is left (after a cut-off) or nothing (once filed): every row is filed once.
    """
    batch = get(session, actor, batch_id)
    require_filer(actor)
    token = _lease(session, batch)
    if token is None:
        return batch
    try:
        pending = [row for row in batch.rows if row.state is RowState.READY]
        with _kept_archive(store, batch) if _needs_archive(pending) else _nothing() as archive:
            filing = _Filing(session, store, notary, actor, batch, archive, max_bytes)
            for row in pending:
                filing.row(row)
        kept, batch.archive = batch.archive, None
        batch.filed_at, batch.lease, batch.lease_until = utcnow(), None, None
        session.commit()
    except BaseException:
        session.rollback()
        session.execute(
            update(FilingBatch)
            .where(FilingBatch.id == batch.id, FilingBatch.lease == token)
            .values(lease=None, lease_until=None)
            .execution_options(synchronize_session=False)
        )
        session.commit()
        raise
    if kept is not None:
        _drop_archive(store, kept)
    return batch


@contextmanager
def _nothing() -> Iterator[None]:
    yield None


def _needs_archive(rows: list[BatchRow]) -> bool:
    return any(
        f["source"] == "archive" and f["ref"] not in row.received for row in rows for f in row.values["evidence"]
    )


@dataclass
class _Filing:
    """One request filing a batch, with what every row needs."""

    session: Session
    store: Store
    notary: receipts.Notary
    actor: User
    batch: FilingBatch
    archive: Archive | None
    max_bytes: int

    def row(self, row: BatchRow) -> None:
        """The row's complaint, each of its files and the submission, each recorded on the row as it is made.

        A refusal that is the row's own (a right retired since the check) marks the row failed and the batch
        goes on; anything else (the store unavailable) ends the filing, to be taken up again.
        """
        session = self.session
        try:
            if row.complaint_id is None:
                data = _input(row.values["complaint"])
                row.complaint_id = complaints.draft_complaint(session, self.actor, data, row.org_id).id
                self.batch.lease_until = utcnow() + LEASE_FOR
                session.commit()
            kind = EvidenceKind(row.values["kind"])
            for wanted in row.values["evidence"]:
                if wanted["ref"] not in row.received:
                    self._receive(row, row.complaint_id, wanted, kind)
            status = session.scalar(select(Complaint.status).where(Complaint.id == row.complaint_id))
            if self.batch.submit and status is ComplaintStatus.DRAFT:
                complaints.submit_complaint(session, self.actor, row.complaint_id)
            row.state = RowState.FILED
            session.commit()
        except DomainError as exc:
            if exc.status >= 500:
                raise
            fields = {key: _error(message) for key, message in exc.fields.items()}
            self._failed(row, {**fields, "row": [exc.template, dict(exc.params)]})
        except EvidenceError as exc:
            if isinstance(exc, StoreUnavailable):
                raise
            self._failed(row, {"row": _error(str(exc))})

    def _failed(self, row: BatchRow, errors: dict[str, list[Any]]) -> None:
        self.session.rollback()
        row.errors, row.state = errors, RowState.FAILED
        self.session.commit()

    def _receive(self, row: BatchRow, complaint_id: int, wanted: dict[str, str], kind: EvidenceKind) -> None:
        session, store, actor = self.session, self.store, self.actor

        def recorded(item: EvidenceItem) -> None:
            row.received = [*row.received, wanted["ref"]]
            self.batch.lease_until = utcnow() + LEASE_FOR

        def add(receive: Callable[[], Ingested], filename: str) -> None:
            meta = evidence.EvidenceMeta(filename=filename, kind=kind)
            evidence.add_evidence(session, store, self.notary, actor, complaint_id, receive, meta, recorded)

        if wanted["source"] == "upload":
            taken = resumable_uploads.take(session, store, actor, wanted["ref"])
            try:
                add(taken.receive, taken.filename)
            finally:
                taken.close()
            return
        archive = self.archive
        info = archive.entry(wanted["name"]) if archive is not None else None
        if info is None or archive is None:
            raise Gone("The ZIP sent with the batch is no longer kept; send the batch again.")

        def receive() -> Ingested:
            sink = Ingest(store, max_bytes=self.max_bytes, expected_size=info.file_size)
            try:
                for chunk in archive.chunks(info):
                    sink.write(chunk)
                return sink.finish()
            except BaseException:
                sink.abort()
                raise

        add(receive, info.filename.rsplit("/", 1)[-1])


# The receipt list, expiry ------------------------------------------------------------------------

RECEIPT_COLUMNS = (
    "row",
    "outcome",
    "complaint",
    "complaint_id",
    "complaint_status",
    "title",
    "evidence_id",
    "file",
    "sha256",
    "bytes",
    "received_at",
    "log_index",
    "problems",
)


def _safe(value: object) -> str:
    """A cell a spreadsheet shows as text, never runs as a formula."""
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def receipt_list(session: Session, actor: User, batch_id: str) -> bytes:
    """The batch as filed, as CSV: a line per evidence item received (its SHA-256 and log index), and one
    for each row that received none or was not filed."""
    batch = get(session, actor, batch_id)
    complaint_ids = [row.complaint_id for row in batch.rows if row.complaint_id is not None]
    items: dict[int, list[EvidenceItem]] = {complaint_id: [] for complaint_id in complaint_ids}
    if complaint_ids:
        query = (
            select(EvidenceItem)
            .where(EvidenceItem.complaint_id.in_(complaint_ids))
            .options(selectinload(EvidenceItem.receipt))
            .order_by(EvidenceItem.id)
        )
        for found in session.scalars(query):
            assert found.complaint_id is not None
            items[found.complaint_id].append(found)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(RECEIPT_COLUMNS)
    for row in batch.rows:
        complaint = row.complaint
        head = [
            row.number,
            row.state.value,
            complaint.reference if complaint else "",
            complaint.id if complaint else "",
            complaint.status.value if complaint else "",
            row.title,
        ]
        problems = "; ".join(f"{key}: {message_of(error)}" for key, error in row.errors.items())
        received: list[EvidenceItem | None] = list(items.get(row.complaint_id, [])) if row.complaint_id else []
        for item in received or [None]:
            tail = (
                [
                    item.id,
                    item.filename,
                    item.sha256,
                    item.size,
                    item.received_at.isoformat(),
                    item.receipt.log_index if item.receipt else "",
                ]
                if item is not None
                else [""] * 6
            )
            writer.writerow([_safe(value) for value in [*head, *tail, problems]])
    return out.getvalue().encode("utf-8-sig")


def expire(session: Session, store: Store, now: datetime | None = None) -> list[str]:
    """Drop the ZIPs of batches not filed in time, and the batches that filed nothing; the ids dropped."""
    cutoff = (now or utcnow()) - KEPT_FOR
    stale = list(
        session.scalars(
            select(FilingBatch).where(FilingBatch.filed_at.is_(None), FilingBatch.created_at < cutoff).limit(1000)
        )
    )
    for batch in stale:
        if batch.archive is not None:
            _drop_archive(store, batch.archive)
            batch.archive = None
    ids = [batch.id for batch in stale]
    if ids:
        filed_some = select(BatchRow.batch_id).where(BatchRow.batch_id.in_(ids), BatchRow.complaint_id.is_not(None))
        empty = set(ids) - set(session.scalars(filed_some))
        if empty:
            session.execute(delete(BatchRow).where(BatchRow.batch_id.in_(empty)))
            session.execute(delete(FilingBatch).where(FilingBatch.id.in_(empty)))
    session.commit()
    return ids


def live(session: Session, names: set[str]) -> set[str]:
    """Which of these partial names are ZIPs of batches still to be filed: the sweeper leaves them alone."""
    if not names:
        return set()
    return set(
        session.scalars(select(FilingBatch.id).where(FilingBatch.id.in_(names), FilingBatch.archive.is_not(None)))
    )
