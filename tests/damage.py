"""Damage done to a store behind the portal's back, as a failing disk or a careless operator would."""

from __future__ import annotations

from evidence.stores import Store
from evidence.stores.directory import DirectoryStore
from evidence.stores.s3 import S3Store


def flip_a_byte(store: Store, key: str) -> None:
    if isinstance(store, DirectoryStore):
        path = store.path(key)
        path.chmod(0o644)
        data = bytearray(path.read_bytes())
        data[len(data) // 2] ^= 0x01
        path.write_bytes(bytes(data))
    else:
        assert isinstance(store, S3Store)
        full = store.full_key(key)
        data = bytearray(store.client.get_object(Bucket=store.bucket, Key=full)["Body"].read())
        data[len(data) // 2] ^= 0x01
        store.client.put_object(Bucket=store.bucket, Key=full, Body=bytes(data))


def read_all(store: Store, key: str) -> bytes:
    return b"".join(store.read(key))
