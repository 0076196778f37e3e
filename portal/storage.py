"""The evidence store configured for this app."""

from flask import Flask, current_app

from evidence.stores import Retention, Store, open_store


def init_app(app: Flask) -> None:
    settings = app.config["SETTINGS"]
    retention = Retention(settings.object_lock_mode, settings.object_lock_days) if settings.object_lock_mode else None
    app.extensions["evidence_store"] = open_store(
        settings.evidence_store,
        retention,
        endpoint_url=settings.s3_endpoint_url,
        region=settings.aws_region,
        access_key=settings.aws_access_key_id,
        secret_key=settings.aws_secret_access_key,
    )


def get_store() -> Store:
    store: Store = current_app.extensions["evidence_store"]
    return store
