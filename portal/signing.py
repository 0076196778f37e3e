"""The portal's notary: signing keys (generated on first start for the embedded default only) and TSA."""

from flask import Flask, current_app

from evidence.keys import KeyDirectory
from evidence.timestamps import TimestampClient, TimestampError, load_certificates
from portal.services.receipts import Notary
from portal.settings import SettingsError


def init_app(app: Flask) -> None:
    settings = app.config["SETTINGS"]
    keys = KeyDirectory(settings.signing_key_dir)
    if settings.embedded:
        keys.ensure()
    timestamps = None
    if settings.tsa_url and settings.tsa_ca_file:
        try:
            roots = load_certificates(settings.tsa_ca_file.read_bytes())
        except TimestampError as exc:
            raise SettingsError(f"TSA_CA_FILE: {exc}") from None
        timestamps = TimestampClient(settings.tsa_url, tuple(roots))
    app.extensions["notary"] = Notary(keys, settings.log_origin, timestamps)


def get_notary() -> Notary:
    notary: Notary = current_app.extensions["notary"]
    return notary


def get_keys() -> KeyDirectory:
    return get_notary().keys
