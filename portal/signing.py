"""The portal's signing keys: generated on first start for the embedded default only."""

from flask import Flask, current_app

from evidence.keys import KeyDirectory


def init_app(app: Flask) -> None:
    settings = app.config["SETTINGS"]
    keys = KeyDirectory(settings.signing_key_dir)
    if settings.embedded:
        keys.ensure()
    app.extensions["signing_keys"] = keys


def get_keys() -> KeyDirectory:
    keys: KeyDirectory = current_app.extensions["signing_keys"]
    return keys
