"""Exceptions raised by the evidence library; the portal maps them to responses."""


class EvidenceError(Exception):
    """Base class: the message is safe to show to the person who uploaded."""


class EmptyFile(EvidenceError):
    def __init__(self) -> None:
        super().__init__("The file is empty.")


class TooLarge(EvidenceError):
    def __init__(self, limit: int) -> None:
        self.limit = limit
        super().__init__(f"The file is larger than the limit of {limit} bytes.")


class RefusedType(EvidenceError):
    def __init__(self, detected: str) -> None:
        self.detected = detected
        super().__init__(f"Files of type {detected} are not accepted as evidence.")


class DigestMismatch(EvidenceError):
    def __init__(self, expected: str, actual: str) -> None:
        self.expected = expected
        self.actual = actual
        super().__init__(f"The received bytes have SHA-256 {actual}, not {expected} as the client declared.")


class Truncated(EvidenceError):
    def __init__(self, expected: int, received: int) -> None:
        super().__init__(f"The upload ended after {received} of {expected} bytes.")


class Overrun(EvidenceError):
    def __init__(self, length: int) -> None:
        self.length = length
        super().__init__(f"The upload is {length} bytes long; these bytes would go past its end.")


class ResumableUnsupported(EvidenceError):
    """This machine's libcrypto cannot save digest state, so uploads cannot be resumed here."""


class ImageRefused(EvidenceError):
    """An image that cannot be decoded safely (decompression bomb, corrupt data)."""


class StoreUnavailable(EvidenceError):
    """The store did not answer. ``detail`` (endpoint, bucket, key) is for the operator's log, never an answer."""

    def __init__(self, detail: str) -> None:
        self.detail = detail
        super().__init__("The evidence store is unavailable; try again shortly.")


class ObjectMissing(EvidenceError):
    def __init__(self, key: str) -> None:
        self.key = key
        super().__init__("A stored file is missing.")


class Damaged(EvidenceError):
    """Bytes read back from the store are not the ones received; raised before the last of them is passed on."""

    def __init__(self, key: str) -> None:
        self.key = key
        super().__init__("The stored file no longer matches its receipt; the transfer was stopped.")


class ObjectLocked(EvidenceError):
    """S3 Object Lock forbids removing the object until ``until``."""

    def __init__(self, key: str, mode: str, until: str) -> None:
        self.key, self.mode, self.until = key, mode, until
        super().__init__(f"Object Lock ({mode}) retains it until {until}.")
