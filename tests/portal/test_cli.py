"""The `portal` command: output contracts and errors on standard error."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from flask import Flask

from portal.cli import cli
from tests.conftest import build_app


def run(app: Flask, *args: str) -> tuple[int, str, str]:
    runner = app.test_cli_runner()
    result = runner.invoke(cli, list(args))
    return result.exit_code, result.stdout, result.stderr


def test_create_org_user_token(app: Flask) -> None:
    code, out, _ = run(app, "orgs", "create", "--name", "Maison", "--country", "FR")
    assert code == 0 and out.strip().isdigit()
    org_id = out.strip()
    code, out, _ = run(
        app,
        "users",
        "create",
        "--email",
        "h@x.example",
        "--password",
        "long enough pass",
        "--role",
        "holder",
        "--org-id",
        org_id,
    )
    assert code == 0 and out.strip().isdigit()
    code, out, _ = run(app, "tokens", "create", "--email", "h@x.example")
    token = out.strip()
    assert code == 0 and token.startswith("iep_") and "\\n" not in token
    me = app.test_client().get("/api/v1/me", headers={"Authorization": f"Bearer {token}"})
    assert me.json["organisation"]["id"] == int(org_id)


def test_errors_go_to_stderr_with_non_zero_exit(app: Flask) -> None:
    cases = [
        (("orgs", "create", "--name", "X", "--country", "France"), "two-letter"),
        (("users", "create", "--email", "p@x.example", "--password", "short", "--role", "prosecutor"), "12"),
        (
            ("users", "create", "--email", "h@x.example", "--password", "long enough pass", "--role", "holder"),
            "--org-id",
        ),
        (("tokens", "create", "--email", "nobody@x.example"), "No user"),
    ]
    for args, text in cases:
        code, out, err = run(app, *args)
        assert code == 1 and out == "" and text in err, (args, out, err)
    run(app, "users", "create", "--email", "p@x.example", "--password", "long enough pass", "--role", "prosecutor")
    code, _, err = run(
        app, "users", "create", "--email", "P@x.example", "--password", "long enough pass", "--role", "admin"
    )
    assert code == 1 and "already exists" in err


def test_demo_seed_only_when_empty(app: Flask) -> None:
    # The accounts alone: the demo's filing is seeded, and its pages toured, in tests/browser/test_demo.py.
    code, out, _ = run(app, "demo", "seed", "--if-empty", "--accounts-only")
    assert code == 0 and "prosecutor@portal.example" in out and "agent       counsel@jinshi-law.example" in out
    code, out, _ = run(app, "demo", "seed", "--if-empty")
    assert code == 0 and "not added" in out


def test_bad_configuration_stops_with_the_variable_named(tmp_path: Path) -> None:
    env = {**os.environ, "INSTANCE_PATH": str(tmp_path), "PORT": "eighty"}
    done = subprocess.run(
        [str(Path(sys.executable).parent / "portal"), "db", "upgrade"],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 1 and done.stdout == ""
    assert done.stderr.strip() == "error: configuration: PORT must be a whole number, not 'eighty'"


def test_keys_show_generate_rotate(stack_env: dict[str, str]) -> None:
    from evidence.signed_note import Verifier

    app = build_app(stack_env)  # not make_app: that provides keys as an operator would
    settings = app.config["SETTINGS"]
    if not settings.embedded:  # production generates no key by itself
        code, out, err = run(app, "keys", "show")
        assert code == 1 and "portal keys generate" in err
        assert run(app, "keys", "generate")[1].strip() == "generated: checkpoint, receipt"
    assert run(app, "keys", "generate")[1].strip() == "all keys exist already"
    code, out, _ = run(app, "keys", "show")
    assert code == 0 and out.count("BEGIN PUBLIC KEY") == 2
    verifier_line = next(line for line in out.splitlines() if line.startswith("verifier key: "))
    verifier = Verifier.decode(verifier_line.removeprefix("verifier key: "))
    assert verifier.name == settings.log_origin
    code, out, _ = run(app, "keys", "rotate", "--role", "checkpoint")
    assert code == 0 and out.startswith("new checkpoint key")
    shown = run(app, "keys", "show")[1]
    assert "checkpoint key (retired)" in shown and shown.count("verifier key: ") == 2
    assert run(app, "keys", "rotate", "--role", "root")[0] == 2
