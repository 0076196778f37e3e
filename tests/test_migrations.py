"""Migrations: head equals the models; every revision goes up and down, on SQLite and PostgreSQL."""

from __future__ import annotations

from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import inspect, text

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


def _not_the_search_index(obj: object, name: str | None, kind: str, reflected: bool, compare_to: object) -> bool:
    """The full-text indexes are the database's own (an FTS5 table; a stored tsvector and its GIN index; case
    number trigrams), not a model's."""
    return not (name or "").startswith(
        ("search_fts", "ix_search_documents_terms", "ix_cases_number_trigrams")
    ) and not (kind == "column" and name == "terms")


def test_head_matches_models_and_round_trips(database_url: str) -> None:
    upgrade(database_url)
    engine = make_engine(database_url)
    with engine.connect() as conn:
        opts = {"compare_type": True, "include_object": _not_the_search_index}
        diff = compare_metadata(MigrationContext.configure(conn, opts=opts), Base.metadata)
    assert diff == []
    revisions = list(ScriptDirectory.from_config(alembic_config(database_url)).walk_revisions())
    for revision in revisions:  # newest first: step down one at a time, then back up
        downgrade(database_url, revision.down_revision or "base")
    assert set(inspect(engine).get_table_names()) <= {"alembic_version"}
    upgrade(database_url)
    assert set(Base.metadata.tables) <= set(inspect(engine).get_table_names())
    engine.dispose()


def test_existing_rows_get_their_organisation_and_administrator(database_url: str) -> None:
    """0004 makes each organisation's first member its administrator, 0006 gives evidence its
    organisation, 0008 computes the keys of infringers on file."""
    upgrade(database_url, "0003")
    engine = make_engine(database_url)
    now = "2026-11-01 10:00:00+00:00"
    with engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO organisations (id, legal_name, legal_name_latin, country, is_foreign, registration_number,"
                " contact_email, language, status, decision_reason, created_at)"
                " VALUES (7, 'Maison', 'Maison', 'FR', TRUE, '', '', 'en', 'approved', '', :now)"
            ),
            {"now": now},
        )
        for user_id, email in ((3, "first@maison.example"), (4, "second@maison.example")):
            conn.execute(
                text(
                    "INSERT INTO users (id, email, password_hash, role, org_id, language, timezone, active, created_at)"
                    " VALUES (:id, :email, 'x', 'holder', 7, 'en', 'UTC', TRUE, :now)"
                ),
                {"id": user_id, "email": email, "now": now},
            )
        conn.execute(
            text(
                "INSERT INTO complaints (id, org_id, created_by_id, status, title, facts, discovery_method, currency,"
                " language, decline_reason, created_at, updated_at)"
                " VALUES (11, 7, 3, 'draft', 't', '', '', 'EUR', 'en', '', :now, :now)"
            ),
            {"now": now},
        )
        conn.execute(
            text(
                "INSERT INTO evidence_items (id, complaint_id, sha256, size, media_type, storage_key, filename, kind,"
                " description, collected_where, received_at, uploaded_by_id, custody_head, custody_length)"
                " VALUES (21, 11, :sha, 1, 'image/png', 'k', 'f.png', 'other', '', '', :now, 3, :sha, 0)"
            ),
            {"sha": "0" * 64, "now": now},
        )
        conn.execute(
            text(
                "INSERT INTO infringers (id, complaint_id, name, address, shop_urls, platform)"
                " VALUES (31, 11, '深圳市假貨貿易有限公司', '', 'https://shop123.taobao.com/', 'Taobao')"
            )
        )
    upgrade(database_url)
    with engine.connect() as conn:
        keys = set(conn.execute(text("SELECT kind, value FROM infringer_keys WHERE infringer_id = 31")).all())
        assert keys == {("name", "深圳市假货贸易"), ("shop", "taobao.com:123")}
        admins = dict(conn.execute(text("SELECT id, org_role FROM users ORDER BY id")).all())
        owner = conn.execute(text("SELECT org_id FROM evidence_items WHERE id = 21")).scalar()
        kind = conn.execute(text("SELECT kind FROM organisations WHERE id = 7")).scalar()
    assert admins == {3: "admin", 4: "member"} and owner == 7 and kind == "rights_holder"
    engine.dispose()
