import subprocess
import sys


def test_evidence_imports_no_web_layer() -> None:
    code = (
        "import sys, evidence.ingest, evidence.custody, evidence.stores.directory, evidence.stores.s3;"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in {'flask','werkzeug','sqlalchemy','portal'}))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_web_app_loads_no_image_libraries(tmp_path: object) -> None:
    """Images are decoded in a child process; the serving process stays small."""
    code = (
        "import sys, os;"
        f"os.environ['INSTANCE_PATH'] = {str(tmp_path)!r};"
        "import evidence.ingest, portal; portal.create_app();"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in {'PIL','numpy','scipy','imagehash','pillow_heif'}))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
