"""Domain errors; one handler per interface turns them into pages or JSON."""

from __future__ import annotations

from collections.abc import Callable


def translatable(message: str) -> str:
    """Mark a message for extraction where it is not raised at once (gettext_noop)."""
    return message


class DomainError(Exception):
    status = 400
    code = "bad_request"

    def __init__(self, message: str, fields: dict[str, str] | None = None, **params: object) -> None:
        """``message`` may hold %(name)s placeholders filled from ``params``, so that pages
        can translate the template and fill it in the reader's language."""
        self.template = message
        self.params = params
        self.message = message % params if params else message
        super().__init__(self.message)
        self.fields = fields or {}

    def translated(self, gettext: Callable[..., str]) -> str:
        return gettext(self.template, **self.params)


class NotFound(DomainError):
    status = 404
    code = "not_found"


class Forbidden(DomainError):
    status = 403
    code = "forbidden"


class Conflict(DomainError):
    status = 409
    code = "conflict"


class Gone(DomainError):
    status = 410
    code = "gone"


class Locked(DomainError):
    status = 423
    code = "locked"


class PreconditionFailed(DomainError):
    status = 412
    code = "precondition_failed"


class Invalid(DomainError):
    status = 422
    code = "invalid"


class Unavailable(DomainError):
    status = 503
    code = "unavailable"


class Malformed(DomainError):
    status = 400
    code = "malformed"
