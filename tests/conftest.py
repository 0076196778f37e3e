"""Fixtures: both stacks (SQLite + directory, PostgreSQL + S3) from the same tests."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import text

from evidence.keys import KeyDirectory
from portal import create_app
from portal.db import make_engine
from portal.models import Base
from portal.settings import Settings
from tests.receivers import Receiver, SMTPServer
from tests.servers import SeaweedS3, start_postgres
from tests.tsa import LocalTSA

SECRET = "x" * 40


@pytest.fixture(scope="session")
def postgres(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    server, url = start_postgres(tmp_path_factory.mktemp("pg"))
    yield url
    server.cleanup()  # type: ignore[attr-defined]


@pytest.fixture(scope="session")
def s3(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SeaweedS3]:
    server = SeaweedS3(tmp_path_factory.mktemp("weed"))
    server.make_bucket("evidence-test")
    yield server
    server.stop()


def reset_postgres(url: str) -> None:
    engine = make_engine(url)
    with engine.begin() as conn:
        conn.execute(text("DROP SCHEMA public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
    engine.dispose()


@pytest.fixture(scope="session")
def tsa(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalTSA]:
    authority = LocalTSA(tmp_path_factory.mktemp("tsa"))
    yield authority
    authority.stop()


@pytest.fixture(params=["sqlite-dir", "pg-s3"])
def stack_env(request: pytest.FixtureRequest, tmp_path: Path) -> dict[str, str]:
    """Environment for one stack; the database is empty (no tables)."""
    env = {"INSTANCE_PATH": str(tmp_path / "instance"), "SECRET_KEY": SECRET, "SECURE_COOKIES": "false"}
    if request.param == "pg-s3":
        url = request.getfixturevalue("postgres")
        reset_postgres(url)
        s3: SeaweedS3 = request.getfixturevalue("s3")
        env.update(DATABASE_URL=url, **s3.env("evidence-test", f"t-{uuid.uuid4().hex[:12]}"))
    return env


def build_app(env: dict[str, str], **overrides: Any) -> Flask:
    settings = Settings.from_env({**env, **overrides})
    app = create_app(settings)
    app.config.update(TESTING=True, RATELIMIT_ENABLED=True)
    return app


@pytest.fixture
def make_app(stack_env: dict[str, str]) -> Iterator[Callable[..., Flask]]:
    """Build apps on this stack with settings overrides; each gets the schema."""
    built: list[Flask] = []

    def make(**overrides: str) -> Flask:
        # Production (PostgreSQL) never generates keys by itself; the operator does, as here.
        KeyDirectory(Settings.from_env({**stack_env, **overrides}).signing_key_dir).ensure()
        app = build_app(stack_env, **overrides)
        Base.metadata.create_all(app.extensions["db_engine"])
        built.append(app)
        return app

    yield make
    for app in built:
        app.extensions["db_engine"].dispose()


@pytest.fixture
def app(make_app: Callable[..., Flask]) -> Flask:
    return make_app()


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture(scope="session")
def smtp_server() -> Iterator[SMTPServer]:
    server = SMTPServer()
    yield server
    server.stop()


@pytest.fixture
def mailbox(smtp_server: SMTPServer) -> SMTPServer:
    """The SMTP server, emptied for this test and answering at once."""
    smtp_server.messages.clear()
    smtp_server.handler.receiving.clear()
    smtp_server.handler.released.set()
    return smtp_server


@pytest.fixture
def receivers() -> Iterator[Callable[..., Receiver]]:
    """Start webhook receivers for one test: receivers(), receivers(fail_first=2), receivers(silent=True)."""
    started: list[Receiver] = []

    def start(**kwargs: Any) -> Receiver:
        receiver = Receiver(**kwargs)
        started.append(receiver)
        return receiver

    yield start
    for receiver in started:
        receiver.stop()
