import subprocess
import sys


def test_evidence_imports_no_web_layer() -> None:
    code = (
        "import sys, evidence.ingest, evidence.custody, evidence.stores.directory, evidence.stores.s3;"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in {'flask','werkzeug','sqlalchemy','portal'}))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
