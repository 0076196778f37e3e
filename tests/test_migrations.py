"""Migrations: head equals the models; every revision goes up and down, on SQLite and PostgreSQL."""

from __future__ import annotations

from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import inspect

from portal.db import make_engine
from portal.migrate import alembic_config, downgrade, upgrade
from portal.models import Base
from tests.conftest import reset_postgres


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'm.sqlite3'}"
    url: str = request.getfixturevalue("postgres")
    reset_postgres(url)
    return url


def test_head_matches_models_and_round_trips(database_url: str) -> None:
    upgrade(database_url)
    engine = make_engine(database_url)
    with engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn, opts={"compare_type": True}), Base.metadata)
    assert diff == []
    revisions = list(ScriptDirectory.from_config(alembic_config(database_url)).walk_revisions())
    for revision in revisions:  # newest first: step down one at a time, then back up
        downgrade(database_url, revision.down_revision or "base")
    assert set(inspect(engine).get_table_names()) <= {"alembic_version"}
    upgrade(database_url)
    assert set(Base.metadata.tables) <= set(inspect(engine).get_table_names())
    engine.dispose()
