"""The rules: who may do what, state transitions, custody. Shared by pages, API and CLI.

Service functions take the SQLAlchemy session (and the evidence store where
needed) and the acting user, and raise :mod:`portal.services.errors`.
"""
