"""Configuration from the environment: strict, named errors, no production secret default."""

from __future__ import annotations

from pathlib import Path

import pytest

from portal.settings import Settings, SettingsError


@pytest.mark.parametrize(
    ("env", "name"),
    [
        ({"MAX_UPLOAD_BYTES": "lots"}, "MAX_UPLOAD_BYTES"),
        ({"MAX_UPLOAD_BYTES": "0"}, "MAX_UPLOAD_BYTES"),
        ({"PORT": "70000"}, "PORT"),
        ({"DATABASE_URL": "mysql://x/y", "SECRET_KEY": "k" * 40}, "DATABASE_URL"),
        ({"DATABASE_URL": "postgresql://x/y"}, "SECRET_KEY"),
        ({"SECRET_KEY": "short"}, "SECRET_KEY"),
        ({"EVIDENCE_STORE": "s3://b"}, "EVIDENCE_STORE"),
        ({"EVIDENCE_STORE": "ftp://host/x"}, "EVIDENCE_STORE"),
        ({"S3_ENDPOINT_URL": "localhost:9000"}, "S3_ENDPOINT_URL"),
        ({"SECURE_COOKIES": "maybe"}, "SECURE_COOKIES"),
        ({"LOG_ORIGIN": "my log"}, "LOG_ORIGIN"),
        ({"LOG_ORIGIN": "a+b"}, "LOG_ORIGIN"),
        ({"TSA_URL": "ftp://tsa.example"}, "TSA_URL"),
        ({"TSA_URL": "https://tsa.example"}, "TSA_CA_FILE"),
        ({"TSA_CA_FILE": "/nonexistent/ca.pem"}, "TSA_CA_FILE"),
        ({"CHECKPOINT_INTERVAL": "1"}, "CHECKPOINT_INTERVAL"),
        ({"PDF_FONT": "/nonexistent/font.ttc"}, "PDF_FONT"),
        ({"OBJECT_LOCK_MODE": "forever"}, "OBJECT_LOCK_MODE"),
        ({"OBJECT_LOCK_MODE": "governance"}, "OBJECT_LOCK_MODE"),  # not an S3 store
        ({"EVIDENCE_STORE": "s3://bucket/p", "OBJECT_LOCK_DAYS": "0"}, "OBJECT_LOCK_DAYS"),
    ],
)
def test_bad_values_name_the_variable(tmp_path: Path, env: dict[str, str], name: str) -> None:
    with pytest.raises(SettingsError, match=name):
        Settings.from_env({"INSTANCE_PATH": str(tmp_path), **env})


def test_embedded_default_keeps_one_generated_secret(tmp_path: Path) -> None:
    first = Settings.from_env({"INSTANCE_PATH": str(tmp_path)})
    second = Settings.from_env({"INSTANCE_PATH": str(tmp_path)})
    assert first.embedded and first.secret_key == second.secret_key and len(first.secret_key) >= 32
    assert (tmp_path / "secret_key").stat().st_mode & 0o077 == 0
    assert first.database_url == f"sqlite:///{tmp_path / 'portal.sqlite3'}"
    assert first.evidence_store == str(tmp_path / "evidence") and not first.secure_cookies


def test_production_is_secure_by_default(tmp_path: Path) -> None:
    settings = Settings.from_env(
        {
            "INSTANCE_PATH": str(tmp_path),
            "DATABASE_URL": "postgresql+psycopg://h/db",
            "SECRET_KEY": "k" * 40,
            "EVIDENCE_STORE": "s3://evidence/portal",
        }
    )
    assert not settings.embedded and settings.secure_cookies
    assert not (tmp_path / "secret_key").exists()


def test_a_tsa_root_that_is_not_a_certificate_stops_start_up(tmp_path: Path) -> None:
    from portal import create_app

    not_pem = tmp_path / "ca.pem"
    not_pem.write_text("this is not a certificate")
    env = {"INSTANCE_PATH": str(tmp_path), "TSA_URL": "http://127.0.0.1:9/tsa", "TSA_CA_FILE": str(not_pem)}
    with pytest.raises(SettingsError, match="TSA_CA_FILE: the TSA trust anchor is not a PEM certificate"):
        create_app(Settings.from_env(env))
