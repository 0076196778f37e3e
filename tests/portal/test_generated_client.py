"""A client that openapi-python-client generates from the served document does a rights holder's whole job."""

from __future__ import annotations

import importlib
import io
import json
import subprocess
import sys
import uuid
from pathlib import Path
from types import ModuleType
from typing import Any

import httpx
import pytest
from flask import Flask

from tests.factories import make_world, png_bytes

GENERATOR = Path(sys.executable).with_name("openapi-python-client")


def _generate(app: Flask, where: Path) -> str:
    """Generate a client package from the document the portal serves; its name is unique to this test."""
    document = where / "openapi.json"
    document.write_text(json.dumps(app.test_client().get("/api/v1/openapi.json").json))
    name = f"portal_client_{uuid.uuid4().hex[:8]}"
    run = subprocess.run(
        [GENERATOR, "generate", "--path", document, "--meta", "none", "--output-path", where / name],
        capture_output=True,
        text=True,
        timeout=240,
    )
    assert run.returncode == 0, run.stdout + run.stderr
    return name


@pytest.fixture
def generated(app: Flask, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Any:
    name = _generate(app, tmp_path)
    monkeypatch.syspath_prepend(str(tmp_path))

    def module(path: str) -> ModuleType:
        return importlib.import_module(f"{name}.{path}")

    def client(token: str) -> Any:
        transport = httpx.WSGITransport(app=app)
        return module("client").AuthenticatedClient(
            base_url="http://portal.test/api/v1", token=token, httpx_args={"transport": transport}
        )

    yield module, client
    for loaded in [m for m in sys.modules if m.startswith(name)]:
        del sys.modules[loaded]


def test_a_generated_client_files_submits_and_follows_a_complaint(app: Flask, generated: Any) -> None:
    module, client_for = generated
    models, types = module("models"), module("types")
    world = make_world(app)
    holder, prosecutor = client_for(world.holder_a.token), client_for(world.prosecutor.token)

    right = module("api.rights.create_right").sync(
        client=holder,
        body=models.RightInput(
            type_=models.RightType.TRADEMARK, registration_number="G123", registry="WIPO Madrid", owner="Brand A"
        ),
    )
    assert isinstance(right, models.Right) and right.registration_number == "G123"
    draft = module("api.complaints.create_complaint").sync(
        client=holder,
        body=models.ComplaintInput(
            title="Counterfeit handbags",
            facts="Bags bearing our mark at a tenth of the price.",
            right_ids=[right.id],
            infringers=[models.InfringerInput(name="Fake Store Ltd", shop_urls=["https://shop.example/fake"])],
        ),
    )
    assert isinstance(draft, models.Complaint), draft
    item = module("api.evidence.upload_evidence").sync(
        draft.id,
        client=holder,
        body=types.File(payload=io.BytesIO(png_bytes()), file_name="photo.png"),
        kind=models.EvidenceKind.PHOTO_OF_GOODS,
        content_disposition='attachment; filename="photo.png"',
    )
    assert isinstance(item, models.Evidence) and item.media_type == "image/png", item
    submitted = module("api.complaints.submit_complaint").sync(draft.id, client=holder)
    assert submitted.status == models.ComplaintStatus.SUBMITTED

    decided = module("api.review.decide").sync(
        draft.id,
        client=prosecutor,
        body=models.Decision(
            action=models.DecisionAction.ACCEPT,
            case=models.CaseFields(case_number="K-7", procuratorate="Shanghai No. 3", charges="Art. 213"),
        ),
    )
    assert decided.status == models.ComplaintStatus.ACCEPTED and decided.case_id
    case = module("api.cases.case_detail").sync(decided.case_id, client=holder)
    assert isinstance(case, models.Case) and [c.id for c in case.complaints] == [draft.id]

    refused = module("api.complaints.create_complaint").sync(client=holder, body=models.ComplaintInput(title="x" * 201))
    assert isinstance(refused, models.Problem) and refused.status == 422
    assert "title" in refused.fields.additional_properties
