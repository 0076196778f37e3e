"""The baseline for ``bench/scale.py`` and ``bench/load.py``: the least a Flask app on the same gunicorn does."""

from flask import Flask

app = Flask(__name__)


@app.get("/")
def hello() -> str:
    return "Hello, world"
