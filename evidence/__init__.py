"""Framework-free evidence handling: streamed ingest, stores, custody chains.

Nothing here imports flask, werkzeug, sqlalchemy or the portal; the portal
passes streams, stores and records in and gets plain values back.
"""
