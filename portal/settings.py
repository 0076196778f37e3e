"""Settings read once from the environment, strictly."""

from __future__ import annotations

import os
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

# Where Debian's fonts-noto-cjk puts the face PDFs embed for Chinese text.
CJK_FONTS = (
    Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"),
    Path("/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc"),
)


class SettingsError(ValueError):
    """A configuration variable has a value the portal cannot use."""


def _int(env: Mapping[str, str], name: str, default: int, minimum: int, maximum: int) -> int:
    raw = env.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise SettingsError(f"{name} must be a whole number, not {raw!r}") from None
    if not minimum <= value <= maximum:
        raise SettingsError(f"{name} must be between {minimum} and {maximum}, not {value}")
    return value


_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


def _duration(env: Mapping[str, str], name: str, default: int, maximum: int) -> int:
    """Seconds, from a whole number of seconds or one with a unit: ``90s``, ``30m``, ``24h``, ``2d``."""
    raw = (env.get(name) or "").strip().lower()
    if not raw:
        return default
    number, unit = (raw[:-1], raw[-1]) if raw[-1] in _UNITS else (raw, "s")
    if not number.isdigit():
        raise SettingsError(f"{name} must be a duration such as 86400, 90m, 24h or 2d, not {env[name]!r}")
    value = int(number) * _UNITS[unit]
    if value > maximum:
        raise SettingsError(f"{name} must be at most {maximum} seconds, not {value}")
    return value


def _bool(env: Mapping[str, str], name: str, default: bool) -> bool:
    raw = env.get(name, "").strip().lower()
    if raw == "":
        return default
    if raw in {"1", "true", "yes", "on"}:
        return True
    if raw in {"0", "false", "no", "off"}:
        return False
    raise SettingsError(f"{name} must be true or false, not {raw!r}")


def _instance_secret(instance: Path) -> str:
    """The embedded default's secret key: generated once, kept in the instance folder."""
    path = instance / "secret_key"
    if not path.exists():
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(secrets.token_urlsafe(48))
    return path.read_text().strip()


@dataclass(frozen=True)
class Settings:
    instance_path: Path
    database_url: str
    evidence_store: str
    s3_endpoint_url: str | None
    aws_region: str | None
    aws_access_key_id: str | None
    aws_secret_access_key: str | None
    secret_key: str
    max_upload_bytes: int
    host: str
    port: int
    secure_cookies: bool
    ratelimit_storage_uri: str
    signing_key_dir: Path
    log_origin: str
    tsa_url: str | None
    tsa_ca_file: Path | None
    checkpoint_interval: int
    sweep_grace: int
    """Seconds an unreferenced object is left alone: it may belong to an upload still on its way."""
    pdf_font: Path | None
    object_lock_mode: str | None
    object_lock_days: int
    portal_url: str
    smtp_host: str | None
    smtp_port: int
    smtp_security: str
    smtp_username: str | None
    smtp_password: str | None
    mail_from: str
    webhook_timeout: int
    webhook_allow_private: bool
    embedded: bool
    """True when no database is configured: the SQLite + directory default."""

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None, instance_path: Path | None = None) -> Settings:
        env = os.environ if env is None else env
        instance = Path(env.get("INSTANCE_PATH") or instance_path or Path.cwd() / "instance").resolve()
        instance.mkdir(parents=True, exist_ok=True)

        database_url = env.get("DATABASE_URL", "").strip()
        embedded = database_url == ""
        if embedded:
            database_url = f"sqlite:///{instance / 'portal.sqlite3'}"
        elif urlsplit(database_url).scheme.split("+")[0] not in {"sqlite", "postgresql"}:
            raise SettingsError(f"DATABASE_URL must be a postgresql:// or sqlite:// URL, not {database_url!r}")

        store = env.get("EVIDENCE_STORE", "").strip() or str(instance / "evidence")
        if store.startswith("s3://"):
            bucket = store[5:].partition("/")[0]
            if not 3 <= len(bucket) <= 63:
                raise SettingsError(f"EVIDENCE_STORE names no valid bucket: {store!r}")
        elif "://" in store:
            raise SettingsError(f"EVIDENCE_STORE must be a directory path or s3://bucket/prefix, not {store!r}")

        endpoint = env.get("S3_ENDPOINT_URL") or None
        if endpoint and urlsplit(endpoint).scheme not in {"http", "https"}:
            raise SettingsError(f"S3_ENDPOINT_URL must be an http(s) URL, not {endpoint!r}")

        secret_key = env.get("SECRET_KEY", "")
        if not secret_key:
            if not embedded:
                raise SettingsError("SECRET_KEY must be set when DATABASE_URL is set (production)")
            secret_key = _instance_secret(instance)
        elif len(secret_key) < 32:
            raise SettingsError("SECRET_KEY must be at least 32 characters long")

        log_origin = env.get("LOG_ORIGIN", "").strip() or "ip-evidence-portal.localhost/log"
        if any(ch.isspace() or ch == "+" for ch in log_origin):
            raise SettingsError(f"LOG_ORIGIN must contain no spaces or '+', not {log_origin!r}")

        tsa_url = env.get("TSA_URL", "").strip() or None
        tsa_ca = env.get("TSA_CA_FILE", "").strip() or None
        if tsa_url and urlsplit(tsa_url).scheme not in {"http", "https"}:
            raise SettingsError(f"TSA_URL must be an http(s) URL, not {tsa_url!r}")
        if tsa_url and not tsa_ca:
            raise SettingsError("TSA_CA_FILE must name the TSA's CA certificate (PEM) when TSA_URL is set")
        if tsa_ca and not Path(tsa_ca).is_file():
            raise SettingsError(f"TSA_CA_FILE is not a readable file: {tsa_ca!r}")

        pdf_font = env.get("PDF_FONT", "").strip()
        if pdf_font and not Path(pdf_font).is_file():
            raise SettingsError(f"PDF_FONT is not a readable font file: {pdf_font!r}")
        font = Path(pdf_font) if pdf_font else next((p for p in CJK_FONTS if p.is_file()), None)

        lock_mode = env.get("OBJECT_LOCK_MODE", "").strip().upper() or None
        if lock_mode is not None and lock_mode not in {"GOVERNANCE", "COMPLIANCE"}:
            raise SettingsError(f"OBJECT_LOCK_MODE must be governance or compliance, not {lock_mode.lower()!r}")
        if lock_mode is not None and not store.startswith("s3://"):
            raise SettingsError("OBJECT_LOCK_MODE needs an S3 evidence store (EVIDENCE_STORE=s3://...)")

        port = _int(env, "PORT", 8000, 1, 65535)
        host = env.get("HOST", "127.0.0.1")
        # Browsers take no IP address as a passkey's relying party: the loopback is named localhost.
        named = "localhost" if host in ("127.0.0.1", "::1") else host
        portal_url = (env.get("PORTAL_URL", "").strip() or f"http://{named}:{port}").rstrip("/")
        if urlsplit(portal_url).scheme not in {"http", "https"} or not urlsplit(portal_url).hostname:
            raise SettingsError(f"PORTAL_URL must be the portal's public http(s) address, not {portal_url!r}")

        smtp_host = env.get("SMTP_HOST", "").strip() or None
        smtp_security = env.get("SMTP_SECURITY", "").strip().lower() or "starttls"
        if smtp_security not in {"starttls", "ssl", "none"}:
            raise SettingsError(f"SMTP_SECURITY must be starttls, ssl or none, not {smtp_security!r}")
        mail_from = env.get("MAIL_FROM", "").strip()
        if smtp_host and "@" not in mail_from:
            raise SettingsError("MAIL_FROM must be the sender address (name <address>) when SMTP_HOST is set")
        default_smtp_port = {"starttls": 587, "ssl": 465, "none": 25}[smtp_security]

        return cls(
            instance_path=instance,
            database_url=database_url,
            evidence_store=store,
            s3_endpoint_url=endpoint,
            aws_region=env.get("AWS_REGION") or None,
            aws_access_key_id=env.get("AWS_ACCESS_KEY_ID") or None,
            aws_secret_access_key=env.get("AWS_SECRET_ACCESS_KEY") or None,
            secret_key=secret_key,
            max_upload_bytes=_int(env, "MAX_UPLOAD_BYTES", 4 * 1024**3, 1, 5 * 1024**4),
            host=env.get("HOST", "127.0.0.1"),
            port=port,
            secure_cookies=_bool(env, "SECURE_COOKIES", not embedded),
            ratelimit_storage_uri=env.get("RATELIMIT_STORAGE_URI", "memory://"),
            signing_key_dir=Path(env.get("SIGNING_KEY_DIR") or instance / "keys").resolve(),
            log_origin=log_origin,
            tsa_url=tsa_url,
            tsa_ca_file=Path(tsa_ca).resolve() if tsa_ca else None,
            checkpoint_interval=_int(env, "CHECKPOINT_INTERVAL", 300, 10, 86400),
            sweep_grace=_duration(env, "SWEEP_GRACE", 86400, 366 * 86400),
            pdf_font=font,
            object_lock_mode=lock_mode,
            object_lock_days=_int(env, "OBJECT_LOCK_DAYS", 3650, 1, 36500),
            portal_url=portal_url,
            smtp_host=smtp_host,
            smtp_port=_int(env, "SMTP_PORT", default_smtp_port, 1, 65535),
            smtp_security=smtp_security,
            smtp_username=env.get("SMTP_USERNAME") or None,
            smtp_password=env.get("SMTP_PASSWORD") or None,
            mail_from=mail_from or "IP Evidence Portal <noreply@localhost>",
            webhook_timeout=_int(env, "WEBHOOK_TIMEOUT", 10, 1, 60),
            webhook_allow_private=_bool(env, "WEBHOOK_ALLOW_PRIVATE", False),
            embedded=embedded,
        )
