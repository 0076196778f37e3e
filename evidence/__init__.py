"""Framework-free evidence handling: streamed ingest and hashing, self-healing stores and
checked reads (fixity), custody
chains, the Merkle log with its signed checkpoints and proofs, receipts' canonical
records, RFC 3161 timestamps, BagIt bundles and their offline verifier.

Nothing here imports flask, werkzeug, sqlalchemy or the portal; the portal
passes streams, stores and records in and gets plain values back.
"""
