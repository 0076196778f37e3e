"""Resumable uploads (tus 1.0): a file sent over as many requests as the link needs, then named once.

Who may send one (anyone who may upload something: the call that names it
checks the rest), how long an unfinished one is kept, and that one request
at a time writes to it: a request takes the upload's lease with a
conditional UPDATE, renews it while bytes arrive, and gives it back with the
new offset. A request cut off keeps what arrived (unless it carried a
checksum, which then cannot be checked); the next one goes on from there.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import secrets
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session

from evidence import resumable
from evidence.errors import RefusedType, StoreUnavailable
from evidence.filenames import clean_display_name
from evidence.ingest import Ingested
from evidence.stores import Partial, Store
from portal.models import ResumableUpload, Role, User, utcnow
from portal.services.access import require_contributor
from portal.services.errors import Conflict, DomainError, Forbidden, Gone, Invalid, Locked, NotFound

log = logging.getLogger(__name__)

KEPT_FOR = timedelta(days=7)
"""An upload is kept this long after its last bytes arrived (or it was made)."""
LEASE_FOR = timedelta(seconds=60)
RENEW_EVERY = 20.0  # seconds: a writing request renews its lease well before it runs out
MAX_OPEN = 50
"""Unfinished uploads one user may have at once."""
MAX_METADATA = 4096


class ChecksumMismatch(DomainError):
    status = 460
    code = "checksum_mismatch"


class Interrupted(Exception):
    """The client went away in the middle of sending; what arrived before is kept."""


def new_id() -> str:
    return secrets.token_urlsafe(24)


def progress_of(upload: ResumableUpload) -> resumable.Progress:
    return resumable.Progress(
        upload.length, upload.offset, upload.media_type, upload.hasher_state, Partial.of(upload.partial)
    )


def filename_of(meta: dict[str, str]) -> str | None:
    """The file's name from its metadata: tus clients send ``filename``, Uppy also ``name``."""
    given = (meta.get("filename") or meta.get("name") or "").strip()
    return clean_display_name(given) if given else None


def require_uploader(actor: User) -> None:
    """Rights holders' members (not viewers) upload evidence and powers, prosecutors case documents."""
    if actor.role is Role.ADMIN:
        raise Forbidden("Administrators manage accounts; they do not upload files.")
    if actor.role is Role.HOLDER:
        require_contributor(actor)


def create(
    session: Session, store: Store, actor: User, length: int | None, meta: dict[str, str], max_bytes: int
) -> ResumableUpload:
    """A new upload of ``length`` bytes, with nothing in it yet."""
    require_uploader(actor)
    if length is None:
        raise Invalid(
            "Say how long the file is in Upload-Length; uploads of unknown length are not accepted.",
            {"Upload-Length": "Required."},
        )
    filename = filename_of(meta)
    if filename is None:
        raise Invalid(
            "Name the file in Upload-Metadata: filename <its name in base64>.", {"Upload-Metadata": "No filename."}
        )
    if sum(len(k) + len(v) for k, v in meta.items()) > MAX_METADATA:
        raise Invalid(f"Upload-Metadata is longer than {MAX_METADATA} characters.", {"Upload-Metadata": "Too long."})
    open_now = session.scalar(select(func.count()).where(ResumableUpload.user_id == actor.id)) or 0
    if open_now >= MAX_OPEN:
        raise Conflict(
            "You have %(count)d unfinished uploads; finish or delete some before starting another.", count=open_now
        )
    upload_id = new_id()
    progress = resumable.begin(store, upload_id, length, max_bytes)
    upload = ResumableUpload(
        id=upload_id,
        user_id=actor.id,
        length=length,
        offset=0,
        filename=filename,
        meta=meta,
        hasher_state=progress.hasher,
        partial=progress.partial.as_dict(),
        expires_at=utcnow() + KEPT_FOR,
    )
    session.add(upload)
    try:
        session.commit()
    except BaseException:
        session.rollback()
        resumable.drop(store, progress)
        raise
    return upload


def get(session: Session, actor: User, upload_id: str) -> ResumableUpload:
    """The actor's own upload; nobody else's exists for them."""
    upload = session.get(ResumableUpload, upload_id)
    if upload is None or upload.user_id != actor.id:
        raise NotFound("No such upload.")
    if upload.expires_at <= utcnow():
        raise Gone("The upload expired: nothing arrived for %(days)d days. Start it again.", days=KEPT_FOR.days)
    return upload


def _lease(session: Session, upload: ResumableUpload, offset: int | None) -> str:
    """Take the upload's lease (at ``offset``, if given); raise if another request holds it."""
    token, now = secrets.token_hex(8), utcnow()
    taken = session.execute(
        update(ResumableUpload)
        .where(
            ResumableUpload.id == upload.id,
            *((ResumableUpload.offset == offset,) if offset is not None else ()),
            (ResumableUpload.lease.is_(None)) | (ResumableUpload.lease_until < now),
        )
        .values(lease=token, lease_until=now + LEASE_FOR)
        .execution_options(synchronize_session=False)
    )
    session.commit()
    if taken.rowcount == 1:  # type: ignore[attr-defined]
        return token
    session.refresh(upload)
    if offset is not None and upload.offset != offset:
        raise Conflict(
            "The upload is at byte %(offset)d, not %(sent)d: ask where it is (HEAD) and send from there.",
            offset=upload.offset,
            sent=offset,
        )
    raise Locked("Another request is writing to this upload; wait for it to end, then ask where the upload is.")


def _release(session: Session, upload_id: str, token: str, **values: object) -> bool:
    done = session.execute(
        update(ResumableUpload)
        .where(ResumableUpload.id == upload_id, ResumableUpload.lease == token)
        .values(lease=None, lease_until=None, **values)
        .execution_options(synchronize_session=False)
    )
    session.commit()
    return bool(done.rowcount == 1)  # type: ignore[attr-defined]


def _renewing(session: Session, upload_id: str, token: str, chunks: Iterable[bytes]) -> Iterator[bytes]:
    """The chunks, renewing the lease as time passes; stops with Locked if the lease was lost."""
    renewed = time.monotonic()
    for chunk in chunks:
        if time.monotonic() - renewed > RENEW_EVERY:
            kept = session.execute(
                update(ResumableUpload)
                .where(ResumableUpload.id == upload_id, ResumableUpload.lease == token)
                .values(lease_until=utcnow() + LEASE_FOR)
                .execution_options(synchronize_session=False)
            )
            session.commit()
            if kept.rowcount != 1:  # type: ignore[attr-defined]
                raise Locked("This request lost the upload to another one; ask where the upload is.")
            renewed = time.monotonic()
        yield chunk


def append(
    session: Session,
    store: Store,
    actor: User,
    upload_id: str,
    offset: int,
    chunks: Iterable[bytes],
    checksum: bytes | None = None,
) -> ResumableUpload:
    """Write a request's bytes at ``offset``, the upload's own; ``checksum`` is their SHA-256, if sent.

    ``chunks`` raises :class:`Interrupted` if the client goes away; the bytes
    that came before are kept then, unless a checksum was to be checked.
    """
    upload = get(session, actor, upload_id)
    if upload.offset == upload.length:
        raise Conflict("The upload is complete; name it to use it.")
    token = _lease(session, upload, offset)
    try:
        request = resumable.Continuing(store, progress_of(upload))
    except BaseException:
        _release(session, upload_id, token)
        raise
    body = hashlib.sha256() if checksum is not None else None
    try:
        try:
            for chunk in _renewing(session, upload_id, token, chunks):
                request.write(chunk)
                if body is not None:
                    body.update(chunk)
        except Interrupted:
            if checksum is not None:
                raise
        if body is not None and checksum is not None and not hmac.compare_digest(body.digest(), checksum):
            raise ChecksumMismatch(
                "These bytes do not have the SHA-256 given in Upload-Checksum; none of them is kept. Send them again."
            )
        progress = request.save()
    except RefusedType:
        request.discard()
        _forget(session, store, upload)
        raise
    except BaseException:
        request.discard()
        _release(session, upload_id, token)
        raise
    kept = _release(
        session,
        upload_id,
        token,
        offset=progress.offset,
        media_type=progress.media_type,
        hasher_state=progress.hasher,
        partial=progress.partial.as_dict(),
        expires_at=utcnow() + KEPT_FOR,
    )
    if not kept:
        raise Locked("This request lost the upload to another one; ask where the upload is.")
    session.refresh(upload)
    return upload


def _forget(session: Session, store: Store, upload: ResumableUpload) -> None:
    session.execute(delete(ResumableUpload).where(ResumableUpload.id == upload.id))
    session.commit()
    try:
        resumable.drop(store, progress_of(upload))
    except StoreUnavailable as exc:
        log.warning("upload %s: its bytes are left for the sweeper: %s", upload.id, exc.detail)


def terminate(session: Session, store: Store, actor: User, upload_id: str) -> None:
    upload = get(session, actor, upload_id)
    _lease(session, upload, None)
    _forget(session, store, upload)


@dataclass
class Taken:
    """A complete upload, leased to the request that names it as evidence or a document."""

    session: Session
    store: Store
    upload: ResumableUpload
    token: str

    @property
    def filename(self) -> str:
        return self.upload.filename

    def receive(self) -> Ingested:
        """Commit the bytes to their content address; the upload's row goes in the caller's transaction."""
        ingested = resumable.finish(self.store, progress_of(self.upload), self.upload.created_at)
        self.session.delete(self.upload)
        return ingested

    def close(self) -> None:
        """After the caller: drop the bytes if the upload was used, or give the lease back if not."""
        session = self.session
        session.rollback()  # harmless after a commit; after a failure, the upload's row is back
        if session.scalar(select(ResumableUpload.id).where(ResumableUpload.id == self.upload.id)) is not None:
            _release(session, self.upload.id, self.token)
            return
        try:
            resumable.drop(self.store, progress_of(self.upload))
        except StoreUnavailable as exc:
            log.warning("upload %s: its bytes are left for the sweeper: %s", self.upload.id, exc.detail)


def take(session: Session, store: Store, actor: User, upload_id: str) -> Taken:
    """The actor's complete upload, to be named once."""
    upload = get(session, actor, upload_id)
    if upload.offset != upload.length:
        raise Conflict(
            "The upload is not complete: %(offset)d of %(length)d bytes have arrived.",
            offset=upload.offset,
            length=upload.length,
        )
    token = _lease(session, upload, upload.length)
    return Taken(session, store, upload, token)


def expire(session: Session, store: Store, now: datetime | None = None, batch: int = 100) -> list[str]:
    """Remove uploads kept past their time, bytes and all; the ids removed."""
    now = now or utcnow()
    removed: list[str] = []
    while stale := session.scalars(
        select(ResumableUpload)
        .where(ResumableUpload.expires_at <= now)
        .order_by(ResumableUpload.expires_at)
        .limit(batch)
    ).all():
        for upload in stale:
            try:
                resumable.drop(store, progress_of(upload))
            except StoreUnavailable as exc:
                log.warning("upload %s: its bytes are left for the sweeper: %s", upload.id, exc.detail)
            session.delete(upload)
            removed.append(upload.id)
        session.commit()
    return removed


def live(session: Session, ids: Iterable[str]) -> set[str]:
    """Which of these upload ids are still kept: the sweeper leaves their bytes alone."""
    wanted = list(set(ids))
    return set(session.scalars(select(ResumableUpload.id).where(ResumableUpload.id.in_(wanted)))) if wanted else set()
