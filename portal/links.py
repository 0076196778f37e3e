"""Absolute links to the portal's pages, for e-mails and webhook calls made outside any request."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from flask import current_app


def external_url(endpoint: str, **values: Any) -> str:
    """The page's address under PORTAL_URL, whatever host the current request (if any) came in on."""
    public = urlsplit(current_app.config["SETTINGS"].portal_url)
    adapter = current_app.url_map.bind(public.netloc, script_name=public.path or "/", url_scheme=public.scheme)
    return adapter.build(endpoint, values, force_external=True)
