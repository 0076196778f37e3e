"""A browser as its user recognises it in the list of their sessions: "Firefox 133 on Windows"."""

from __future__ import annotations

from ua_parser import parse


def describe_browser(user_agent: str) -> str:
    found = parse(user_agent)
    browser = found.user_agent
    system = found.os
    name = f"{browser.family} {browser.major}" if browser and browser.major else (browser.family if browser else "")
    if system and system.family != "Other":
        return f"{name or '?'} · {system.family}"
    return name or user_agent[:60] or "?"
