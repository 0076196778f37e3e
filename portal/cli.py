"""The ``portal`` command: a FlaskGroup with groups per resource."""

from __future__ import annotations

import signal
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path
from typing import NoReturn

import click
from flask import Flask, current_app
from flask.cli import AppGroup, FlaskGroup
from sqlalchemy import func, select

from evidence.errors import StoreUnavailable
from evidence.keys import ROLES, KeyProblem, fingerprint, public_pem
from evidence.signed_note import Verifier
from portal import create_app, migrate
from portal.db import get_session
from portal.models import OrgKind, Role, TokenScope, User
from portal.senders import PortalSender
from portal.services import (
    accounts,
    batches,
    clusters,
    deadlines,
    deliveries,
    receipts,
    resumable_uploads,
    scrub,
    search,
    statistics,
    sweeper,
    tokens,
)
from portal.services.credentials import normalise_email
from portal.services.errors import DomainError
from portal.settings import Settings, SettingsError
from portal.signing import get_keys, get_notary
from portal.storage import get_store

DELIVERY_BATCH = 50
SWEEP_EVERY = 3600  # seconds between the worker's sweeps of the evidence store


def fail(message: str) -> NoReturn:
    click.echo(f"error: {message}", err=True)
    sys.exit(1)


def _create_app() -> Flask:
    try:
        return create_app()
    except SettingsError as exc:
        fail(f"configuration: {exc}")


@click.group(cls=FlaskGroup, create_app=_create_app, add_default_commands=True)
def cli() -> None:
    """Manage the IP evidence portal."""


db_group = AppGroup("db", help="Database schema.")
orgs_group = AppGroup("orgs", help="Rights-holder organisations.")
users_group = AppGroup("users", help="User accounts.")
tokens_group = AppGroup("tokens", help="API tokens.")
demo_group = AppGroup("demo", help="Demonstration data.")
keys_group = AppGroup("keys", help="The portal's Ed25519 signing keys.")
log_group = AppGroup("log", help="The transparency log.")
evidence_group = AppGroup("evidence", help="Stored evidence.")
search_group = AppGroup("search", help="The search index of complaints.")


def _url() -> str:
    return str(current_app.config["SETTINGS"].database_url)


@db_group.command("upgrade")
@click.argument("revision", default="head")
def db_upgrade(revision: str) -> None:
    """Migrate the database up to REVISION (default: head)."""
    migrate.upgrade(_url(), revision)


@db_group.command("downgrade")
@click.argument("revision")
def db_downgrade(revision: str) -> None:
    """Migrate the database down to REVISION (e.g. -1 or base)."""
    migrate.downgrade(_url(), revision)


@orgs_group.command("create")
@click.option("--name", required=True)
@click.option("--country", required=True, help="ISO 3166 two-letter code")
@click.option("--domestic", is_flag=True, help="A PRC organisation (default: foreign)")
@click.option("--agent", is_flag=True, help="A law firm or brand-protection vendor acting for rights holders")
def orgs_create(name: str, country: str, domestic: bool, agent: bool) -> None:
    """Create an approved organisation; prints only its id."""
    kind = OrgKind.AGENT if agent else OrgKind.RIGHTS_HOLDER
    try:
        org = accounts.create_organisation(get_session(), name, country, domestic, kind)
    except DomainError as exc:
        fail(exc.message)
    click.echo(org.id)


@users_group.command("create")
@click.option("--email", required=True)
@click.option("--password", required=True)
@click.option("--role", required=True, type=click.Choice([r.value for r in Role]))
@click.option("--org-id", type=int, default=None)
def users_create(email: str, password: str, role: str, org_id: int | None) -> None:
    """Create a user; rights holders need --org-id."""
    try:
        user = accounts.create_user(get_session(), email, password, Role(role), org_id)
    except DomainError as exc:
        fail(exc.message)
    click.echo(user.id)


@tokens_group.command("create")
@click.option("--email", required=True)
@click.option("--name", default="made on the command line", show_default=True, help="What the token is for.")
@click.option(
    "--scope",
    "scopes",
    multiple=True,
    type=click.Choice([scope.value for scope in TokenScope]),
    help="Repeat for several; default: every scope the user's role allows.",
)
@click.option("--days", default=tokens.DEFAULT_DAYS, show_default=True, help=f"Until it expires (1-{tokens.MAX_DAYS}).")
def tokens_create(email: str, name: str, scopes: tuple[str, ...], days: int) -> None:
    """Create an API token for a user, with the same scopes and expiry as on the account page; prints only the
    token."""
    db = get_session()
    user = db.scalar(select(User).where(User.email == normalise_email(email)))
    if user is None:
        fail(f"No user with e-mail {email}.")
    try:
        wanted = scopes or [scope.value for scope in tokens.allowed_scopes(user)]
        click.echo(tokens.create(db, user, name, wanted, days, by_operator=True).secret)
    except DomainError as exc:
        fail(exc.message)


@demo_group.command("seed")
@click.option("--if-empty", is_flag=True, help="Do nothing when users exist already.")
@click.option("--accounts-only", is_flag=True, help="Only the organisations and accounts, nothing filed.")
def demo_seed(if_empty: bool, accounts_only: bool) -> None:
    """Create demo accounts and a few months of filing and cases through the API; print the logins."""
    from portal.demo import seed

    db = get_session()
    if if_empty and db.scalar(select(func.count()).select_from(User)):
        click.echo("Demo data not added: the database already has users.")
        return
    for line in seed(current_app, db, accounts_only):
        click.echo(line)


@keys_group.command("show")
def keys_show() -> None:
    """Print each public key as PEM with its fingerprint; the checkpoint key also as a verifier key."""
    origin = current_app.config["SETTINGS"].log_origin
    try:
        for role in ROLES:
            for info in get_keys().public_keys(role):
                state = "active" if info.active else "retired"
                click.echo(f"{role} key ({state}), SHA-256 fingerprint {info.fingerprint}")
                if role == "checkpoint":
                    click.echo(f"verifier key: {Verifier(origin, info.public_key).encode()}")
                click.echo(public_pem(info.public_key))
    except KeyProblem as exc:
        fail(str(exc))


@keys_group.command("generate")
def keys_generate() -> None:
    """Create the keys that do not exist yet (never replaces one)."""
    made = get_keys().ensure()
    click.echo(f"generated: {', '.join(made)}" if made else "all keys exist already")


@keys_group.command("rotate")
@click.option("--role", required=True, type=click.Choice(ROLES))
@click.option(
    "--overlap-days",
    type=click.IntRange(0, 365),
    default=None,
    help="How long the old checkpoint key co-signs beside the new one (default 30; receipts: 0).",
)
def keys_rotate(role: str, overlap_days: int | None) -> None:
    """Retire the role's key (its public half stays for verification) and make a new one."""
    if overlap_days is None:
        overlap_days = 30 if role == "checkpoint" else 0
    if overlap_days and role != "checkpoint":
        fail("only the checkpoint key co-signs during an overlap; receipts are verified against retired keys")
    try:
        key = get_keys().rotate(role, timedelta(days=overlap_days))
    except KeyProblem as exc:
        fail(str(exc))
    click.echo(f"new {role} key, SHA-256 fingerprint {fingerprint(key.public_key())}")
    if overlap_days:
        click.echo(f"the old key co-signs checkpoints for {overlap_days} more days, then its private half is deleted")


def _checkpoint_now() -> str:
    notary = get_notary()
    try:
        made = receipts.checkpoint(get_session(), notary)
    except KeyProblem as exc:
        fail(str(exc))
    if made is None:
        return "no new entries since the latest checkpoint"
    stamped = "timestamped" if made.timestamp_token else "not timestamped"
    return f"checkpoint of size {made.size} signed, {stamped}"


@evidence_group.command("scrub")
@click.option(
    "--repair-from",
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    help="Folder of copies an operator supplies; each damaged object is repaired from a file with its SHA-256.",
)
def evidence_scrub(repair_from: Path | None) -> None:
    """Re-read every stored original and check its SHA-256; exits 1 if any is altered or missing (and not repaired)."""
    db = get_session()
    stored = scrub.objects(db)
    started = time.monotonic()
    try:
        with click.progressbar(
            length=sum(size for _sha, _key, size in stored), label="Scrubbing", show_pos=True, file=sys.stderr
        ) as bar:
            report = scrub.scrub(db, get_store(), stored, bar.update)
    except StoreUnavailable as exc:
        fail(f"the evidence store is unavailable: {exc.detail}")
    for problem in report.problems:
        items = ", ".join(str(i) for i in problem.evidence_ids)
        if problem.outcome == "missing":
            click.echo(f"MISSING   {problem.sha256}  (evidence {items})")
        else:
            click.echo(f"MISMATCH  {problem.sha256}  now reads {problem.found_sha256}  (evidence {items})")
    for sha256 in report.restored:
        click.echo(f"INTACT    {sha256}  again, no longer marked damaged")
    seconds = time.monotonic() - started
    click.echo(
        f"{report.objects} objects, {report.bytes_read:,} bytes read in {seconds:.1f} s: {report.ok} intact, "
        f"{sum(p.outcome == 'mismatch' for p in report.problems)} altered, "
        f"{sum(p.outcome == 'missing' for p in report.problems)} missing; problems recorded in custody"
    )
    still_damaged = bool(report.problems)
    if repair_from is not None:
        try:
            repairs, remaining = scrub.repair_from(db, get_store(), repair_from)
        except StoreUnavailable as exc:
            fail(f"the evidence store is unavailable: {exc.detail}")
        for repair in repairs:
            items = ", ".join(str(i) for i in repair.evidence_ids)
            click.echo(f"REPAIRED  {repair.sha256}  from {repair.path}  (evidence {items})")
        for sha256 in remaining:
            click.echo(f"DAMAGED   {sha256}  no file in {repair_from} has this SHA-256")
        click.echo(f"{len(repairs)} repaired from {repair_from}, {len(remaining)} still damaged")
        still_damaged = bool(remaining)
    if still_damaged:
        sys.exit(1)


@evidence_group.command("sweep")
@click.option("--grace", type=click.IntRange(0), default=None, help="Seconds; SWEEP_GRACE by default.")
def evidence_sweep(grace: int | None) -> None:
    """Remove stored objects, staged uploads and unfinished multipart uploads that no row uses and that are
    older than the grace period; exits 1 if any could not be removed."""
    seconds = current_app.config["SETTINGS"].sweep_grace if grace is None else grace
    if not _sweep(timedelta(seconds=seconds)):
        sys.exit(1)


def _span(span: timedelta) -> str:
    """A duration the way SWEEP_GRACE is written: 24h, 90m, 45s."""
    seconds = int(span.total_seconds())
    if seconds and seconds % 3600 == 0:
        return f"{seconds // 3600}h"
    if seconds and seconds % 60 == 0:
        return f"{seconds // 60}m"
    return f"{seconds}s"


def _sweep(grace: timedelta) -> bool:
    """One sweep, printed, after removing expired resumable uploads and batches; False if something could not be
    handled."""
    expired = resumable_uploads.expire(get_session(), get_store())
    for upload_id in expired:
        click.echo(f"expired   upload {upload_id}")
    for batch_id in batches.expire(get_session(), get_store()):
        click.echo(f"expired   batch {batch_id}")
    try:
        report = sweeper.sweep(get_session(), get_store(), grace, on_removed=lambda f: click.echo(f"removed   {f.key}"))
    except StoreUnavailable as exc:
        click.echo(f"error: the evidence store is unavailable: {exc.detail}", err=True)
        return False
    for found, until in report.locked:
        click.echo(f"LOCKED    {found.key}  orphaned, retained by Object Lock until {until}")
    for found, why in report.failed:
        click.echo(f"FAILED    {found.key}  {why}", err=True)
    click.echo(
        f"sweep: {report.examined} examined, {report.used} in use, {report.young} younger than {_span(grace)}, "
        f"{len(report.removed)} removed, {len(report.locked)} orphaned and locked, {len(report.failed)} failed"
    )
    return not report.failed


@evidence_group.command("retention")
def evidence_retention() -> None:
    """Say whether the evidence store itself retains objects (S3 Object Lock)."""
    try:
        for line in get_store().retention_report():
            click.echo(line)
    except StoreUnavailable as exc:
        fail(f"the evidence store is unavailable: {exc.detail}")


@search_group.command("reindex")
@click.option("--missing", is_flag=True, help="Only complaints that have no search document yet.")
def search_reindex(missing: bool) -> None:
    """Rebuild the search documents of complaints (after an upgrade, or a change of the rules)."""
    count = search.reindex_all(get_session(), missing_only=missing)
    click.echo(f"indexed {count} complaint(s)")


@log_group.command("checkpoint")
def log_checkpoint() -> None:
    """Sign a checkpoint of the log now, if it has grown since the latest one."""
    click.echo(_checkpoint_now())


@contextmanager
def _stop_requests() -> Iterator[list[signal.Signals]]:
    """The signals that asked the worker to stop (SIGTERM, Ctrl-C), for it to stop between rounds.

    Raised mid-send, Ctrl-C's KeyboardInterrupt is lost: smtplib answers it with QUIT, whose refusal replaces it,
    and the worker goes on as if the server had failed. A send cut short also leaves its message leased."""
    asked: list[signal.Signals] = []
    previous = {
        number: signal.signal(number, lambda received, _frame: asked.append(signal.Signals(received)))
        for number in (signal.SIGINT, signal.SIGTERM)
    }
    try:
        yield asked
    finally:
        for number, handler in previous.items():
            signal.signal(number, handler)


@cli.command("worker")
@click.option("--once", is_flag=True, help="Do one round and exit.")
@click.option("--until-idle", is_flag=True, help="Do rounds until one finds nothing to do, then exit.")
@click.option("--poll", default=2.0, show_default=True, help="Seconds between looks at the outbox.")
def worker(once: bool, until_idle: bool, poll: float) -> None:
    """Background duties: previews, fingerprints and matches of new evidence; deadline reminders, e-mails
    and webhook calls from the outbox; a checkpoint every CHECKPOINT_INTERVAL seconds and missing
    timestamps; every hour, expired resumable uploads removed and a sweep of orphaned objects. Several may
    run at once. SIGTERM or Ctrl-C stops it once its round is done."""
    with _stop_requests() as asked:
        _work(current_app.config["SETTINGS"], once, until_idle, poll, asked)


def _work(settings: Settings, once: bool, until_idle: bool, poll: float, asked: list[signal.Signals]) -> None:
    sender = PortalSender(settings)
    # Imported here: it brings NumPy, which the web app never loads.
    from portal.services import matching

    next_checkpoint = next_sweep = 0.0
    frames = matching.FrameIndex()
    if not once:
        # A worker that stays up builds it before its first round, so that a new picture is never left waiting
        # behind the whole index; a single round builds it only if it has something to match.
        started = time.monotonic()
        loaded = frames.sync(get_session())
        click.echo(f"frame index: {loaded} picture(s) loaded in {time.monotonic() - started:.1f} s")
    while not asked:
        db = get_session()
        if time.monotonic() >= next_sweep:
            _sweep(timedelta(seconds=settings.sweep_grace))
            next_sweep = time.monotonic() + SWEEP_EVERY
        if time.monotonic() >= next_checkpoint:
            click.echo(_checkpoint_now())
            stamped = receipts.stamp_missing(db, get_notary())
            if stamped:
                click.echo(f"timestamped {stamped} receipt(s) the TSA could not serve at upload time")
            next_checkpoint = time.monotonic() + settings.checkpoint_interval
        reminded = deadlines.send_reminders(db)
        if reminded:
            click.echo(f"reminded participants of {reminded} approaching deadline(s)")
        statistics.refresh_if_due(db)
        rebuilt = clusters.rebuild_if_stale(db)
        if rebuilt is not None:
            click.echo(f"evidence clusters rebuilt for the threshold now set: {rebuilt}")
        round_ = matching.process_pending(db, get_store(), frames)
        if round_.analysed or round_.matched:
            click.echo(
                f"evidence: {round_.analysed} analysed, {round_.matched} matched ({round_.pairs} related item(s) found)"
            )
        done = deliveries.deliver_due(db, sender, limit=DELIVERY_BATCH)
        if done.total:
            click.echo(f"deliveries: {done.sent} sent, {done.retrying} to retry later, {done.failed} failed")
        db.close()
        if once or (until_idle and not (reminded or round_.analysed or round_.matched or done.total)):
            return
        # A full batch of either means more may be waiting. A signal does not end the sleep (PEP 475 resumes it
        # for the time left): at most one poll passes before the loop sees a request to stop.
        if not asked and done.total < DELIVERY_BATCH and round_.analysed < matching.ROUND:
            time.sleep(poll)
    click.echo(f"stopped on {asked[0].name}, between rounds")


for group in (
    db_group,
    orgs_group,
    users_group,
    tokens_group,
    demo_group,
    keys_group,
    log_group,
    evidence_group,
    search_group,
):
    cli.add_command(group)
