"""schemathesis, which nobody here wrote, drives every operation of the served document: each generated request
as a rights holder, an agent and a prosecutor, then sequences that follow the document's links, on both stacks.

Its check that schema-valid requests are accepted is replaced by a stricter reading of the same promise: the
contract layer (code ``invalid_request``) and the framework (400, 405, 413, 415) must accept everything the
document allows. The portal's own rules may still refuse a request the schema cannot describe (a right of
another organisation, a date in the future, a stale If-Match, a file of a type not taken); they answer 409,
412, 415 or 422 with their own code and name the field, as the document says.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
import schemathesis
from flask import Flask
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.core.parameters import ParameterLocation
from schemathesis.specs.openapi.checks import positive_data_acceptance
from sqlalchemy import select

from portal.db import get_session
from portal.models import ApiToken, OrgKind, Role
from portal.services import accounts
from tests.factories import Api, make_user, make_world

# The refusals of rules no schema can state: the portal's checks, and what a file turns out to be.
# werkzeug's test client spools a generated multipart body over 500 KB to a temporary file that
# schemathesis's WSGI transport never closes; the warning is the harness's, not the portal's.
pytestmark = pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")

# tus sends a file's bytes as application/offset+octet-stream: bytes, as for application/octet-stream.
schemathesis.serializer.alias("application/offset+octet-stream", "application/octet-stream")

RULES = {
    (422, "invalid"),
    (413, "too_large"),  # Upload-Length over MAX_UPLOAD_BYTES: a header's number
    (413, "past_upload_length"),  # more bytes than Upload-Length said
    (460, "checksum_mismatch"),
    (415, "unsupported_type"),
    (422, "empty_file"),
    (422, "image_refused"),
    (400, "digest_mismatch"),
}
QUICK = settings(
    max_examples=3,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    phases=[Phase.explicit, Phase.generate],
    derandomize=True,
    database=None,
)


def refused_only_by_rules(ctx: Any, response: Any, case: Any) -> None:
    """A schema-valid request is accepted by everything but the portal's own rules."""
    if case.meta is None or not case.meta.generation.mode.is_positive:
        return
    status = response.status_code
    if status < 400 or status in (401, 403, 404, 409, 412, 429):
        return
    if (status, response.json().get("code")) not in RULES:
        raise AssertionError(f"A schema-valid request was refused: {status} {response.text[:300]}")


def _signed_in(case: Any, token: str) -> dict[str, str]:
    """The token, unless the case is about the headers being wrong (such as no token at all)."""
    if case.meta is not None and case.meta.is_negative_at(ParameterLocation.HEADER):
        return {}
    return {"Authorization": f"Bearer {token}"}


def _spare_own_token(case: Any, token_ids: set[int]) -> None:
    """Revoking a token the run signs with would answer all that follows with 401: aim at no token instead."""
    wanted = (case.path_parameters or {}).get("token_id")
    if case.method == "DELETE" and case.operation.path.endswith("/tokens/{token_id}") and wanted in token_ids:
        case.path_parameters["token_id"] = 2**31 - 1


@pytest.fixture
def roles(make_app: Callable[..., Flask]) -> tuple[Flask, dict[str, str], set[int]]:
    app = make_app()
    world = make_world(app)
    with app.app_context():
        firm = accounts.create_organisation(get_session(), "King & Partners", "CN", True, OrgKind.AGENT)
        agent = make_user(Role.HOLDER, "counsel@firm.example", firm.id)
    client = app.test_client()
    holder = Api(client, world.holder_a.token)
    holder.submitted(world.right_a)  # something to find, beside what the generated requests make
    with app.app_context():
        own = set(get_session().scalars(select(ApiToken.id)))
    return app, {"holder": world.holder_a.token, "agent": agent.token, "prosecutor": world.prosecutor.token}, own


@pytest.mark.parametrize("mode", ["positive", "negative"])
def test_every_operation_as_each_role(roles: tuple[Flask, dict[str, str], set[int]], mode: str) -> None:
    app, tokens, own = roles
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    failures: list[str] = []
    operations = [result.ok() for result in schema.get_all_operations()]
    for operation in operations:

        @given(case=operation.as_strategy(GenerationMode(mode)))
        @QUICK
        def run(case: Any) -> None:
            _spare_own_token(case, own)
            for token in tokens.values():
                case.call_and_validate(
                    headers=_signed_in(case, token),
                    excluded_checks=[positive_data_acceptance],
                    additional_checks=[refused_only_by_rules],
                )

        try:
            run()
        except Unsatisfiable:  # nothing to get wrong: an operation with no parameters and no body
            assert mode == "negative"
        except Exception as exc:  # every operation's failures, not only the first
            failures.append(f"{operation.label}: {exc}")
    assert not failures, "\n\n".join(failures)
    assert len(operations) >= 70


@pytest.mark.parametrize("role", ["holder", "agent", "prosecutor"])
def test_sequences_that_follow_the_links(roles: tuple[Flask, dict[str, str], set[int]], role: str) -> None:
    """Create something, then use what came back: the document's links lead schemathesis on."""
    app, tokens, own = roles
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    schema.config.generation.modes = [GenerationMode.POSITIVE]  # the other test sends the invalid ones
    token = tokens[role]
    answered: list[tuple[str, int]] = []

    class Journeys(schema.as_state_machine()):  # type: ignore[misc]
        def before_call(self, case: Any) -> None:
            _spare_own_token(case, own)
            case.headers = {**(case.headers or {}), **_signed_in(case, token)}

        def after_call(self, response: Any, case: Any) -> None:
            answered.append((case.operation.label, response.status_code))

        def validate_response(self, response: Any, case: Any, additional_checks: Any = None, **kwargs: Any) -> None:
            case.validate_response(
                response,
                excluded_checks=[positive_data_acceptance],
                additional_checks=[refused_only_by_rules],
                transport_kwargs=kwargs or None,
            )

    Journeys.run(
        settings=settings(
            max_examples=8,
            stateful_step_count=6,
            deadline=None,
            suppress_health_check=list(HealthCheck),
            derandomize=True,
            database=None,
        )
    )
    # Some step used an id an earlier step created, and it was found.
    # Some step reached an object by an id that an earlier answer gave (a random id finds nothing: 404).
    assert any("{" in label and status != 404 for label, status in answered), answered
