"""Notification e-mails: written in the recipient's language, sent by SMTP or, embedded, into a folder."""

from __future__ import annotations

import os
import smtplib
import ssl
from datetime import datetime
from email.message import EmailMessage
from email.utils import format_datetime
from pathlib import Path
from urllib.parse import urlsplit

from flask import render_template
from flask_babel import format_datetime as local_time
from flask_babel import gettext as _

from portal import invitations, labels, notification_texts
from portal.i18n import Addressee, speaking_to
from portal.links import external_url
from portal.models import EventKind, LinkPurpose, Notification, OutboxMessage
from portal.services.deliveries import DeliveryFailed
from portal.settings import Settings

SMTP_TIMEOUT = 30
HEARING_KINDS = (EventKind.HEARING_SCHEDULED, EventKind.HEARING_CHANGED, EventKind.HEARING_CANCELLED)


def compose(settings: Settings, note: Notification) -> EmailMessage:
    user = note.user
    with speaking_to(user):
        title, lines = notification_texts.render(note.kind, note.params)
        endpoint, values = notification_texts.target(note.case_id, note.complaint_id, user.role.is_staff)
        context = {
            "title": title,
            "lines": lines,
            "url": external_url(endpoint, **values),
            "account_url": external_url("auth.account"),
        }
        text = render_template("email/notification.txt", **context)
        html = render_template("email/notification.html", **context)
    message = EmailMessage()
    message["Subject"] = title
    message["From"] = settings.mail_from
    message["To"] = user.email
    message["Date"] = format_datetime(note.created_at)
    # One Message-ID per notification: a resend after a crash is recognisably the same mail.
    message["Message-ID"] = f"<notification-{note.id}@{urlsplit(settings.portal_url).hostname}>"
    message.set_content(text)
    message.add_alternative(html, subtype="html")
    if note.kind in HEARING_KINDS:
        invite = invitations.ics(note.params, title, context["url"])
        message.add_attachment(invite, maintype="text", subtype="calendar", filename="hearing.ics")
    return message


def compose_account(settings: Settings, outbox: OutboxMessage) -> EmailMessage:
    """A mail with a single-use link, in the language of the account it is for."""
    body = outbox.body
    purpose, token = LinkPurpose(body["purpose"]), body["token"]
    with speaking_to(Addressee(body["language"], body["timezone"])):
        until = local_time(datetime.fromisoformat(body["expires_at"]), "medium")
        if purpose is LinkPurpose.RESET_PASSWORD:
            title = _("Reset your password")
            lines = [
                _("Someone, most likely you, asked to reset the password of this account."),
                _("The link works once, until %(time)s.", time=until),
                _("If you did not ask, ignore this mail: your password stays as it is."),
            ]
            url, button = external_url("auth.reset_password", token=token), _("Choose a new password")
        elif purpose is LinkPurpose.INVITATION:
            role = labels.INVITED_ROLE[body["role"]]
            if body["organisation"]:
                title = _("%(org)s invites you to the IP Evidence Portal", org=body["organisation"])
                invited = _(
                    "%(who)s invites you to join %(org)s on the IP Evidence Portal, as %(role)s.",
                    who=body["inviter"],
                    org=body["organisation"],
                    role=role,
                )
            else:
                title = _("You are invited to the IP Evidence Portal")
                invited = _(
                    "%(who)s invites you to the IP Evidence Portal's staff, as %(role)s.",
                    who=body["inviter"],
                    role=role,
                )
            lines = [
                invited,
                _("Follow the link to choose your password. It works once, until %(time)s.", time=until),
                _("If you do not expect this invitation, ignore this mail."),
            ]
            url, button = external_url("auth.accept_invitation", token=token), _("Accept the invitation")
        else:
            title = _("Confirm your e-mail address")
            lines = [
                _("Follow the link to confirm that this address is yours and reaches you."),
                _("The link works once, until %(time)s.", time=until),
                _("If you did not register or change your address, ignore this mail."),
            ]
            url, button = external_url("auth.confirm_email", token=token), _("Confirm this address")
        context = {"title": title, "lines": lines, "url": url, "button": button}
        text = render_template("email/account.txt", **context)
        html = render_template("email/account.html", **context)
    message = EmailMessage()
    message["Subject"] = title
    message["From"] = settings.mail_from
    message["To"] = body["to"]
    message["Date"] = format_datetime(outbox.created_at)
    message["Message-ID"] = f"<account-{outbox.id}@{urlsplit(settings.portal_url).hostname}>"
    message.set_content(text)
    message.add_alternative(html, subtype="html")
    return message


def send(settings: Settings, message: EmailMessage) -> None:
    if settings.smtp_host is None:
        _write_to_folder(settings.instance_path / "mail", message)
        return
    try:
        if settings.smtp_security == "ssl":
            smtp: smtplib.SMTP = smtplib.SMTP_SSL(
                settings.smtp_host, settings.smtp_port, timeout=SMTP_TIMEOUT, context=ssl.create_default_context()
            )
        else:
            smtp = smtplib.SMTP(settings.smtp_host, settings.smtp_port, timeout=SMTP_TIMEOUT)
        with smtp:
            if settings.smtp_security == "starttls":
                smtp.starttls(context=ssl.create_default_context())
            if settings.smtp_username:
                smtp.login(settings.smtp_username, settings.smtp_password or "")
            smtp.send_message(message)
    except smtplib.SMTPRecipientsRefused as exc:
        codes = [code for code, _ in exc.recipients.values()]
        refused = f"The mail server refused the recipient: {exc.recipients}"
        raise DeliveryFailed(refused, permanent=min(codes) >= 500) from None
    except smtplib.SMTPResponseException as exc:
        text = exc.smtp_error.decode(errors="replace") if isinstance(exc.smtp_error, bytes) else str(exc.smtp_error)
        raise DeliveryFailed(f"SMTP {exc.smtp_code}: {text}", permanent=exc.smtp_code >= 500) from None
    except (OSError, smtplib.SMTPException) as exc:
        raise DeliveryFailed(f"Cannot reach the mail server {settings.smtp_host}:{settings.smtp_port}: {exc}") from None


def _write_to_folder(folder: Path, message: EmailMessage) -> None:
    """The embedded default's mailbox: one .eml file a message, written whole or not at all."""
    folder.mkdir(parents=True, exist_ok=True)
    name = message["Message-ID"].strip("<>").replace("@", "_")
    partial = folder / f".{name}.tmp"
    partial.write_bytes(message.as_bytes())
    os.replace(partial, folder / f"{name}.eml")
