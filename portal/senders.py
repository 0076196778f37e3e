"""What `portal worker` sends outbox messages with: e-mail and webhook calls."""

from __future__ import annotations

from portal import mail, webhook_calls
from portal.models import OutboxMessage
from portal.settings import Settings


class PortalSender:
    def __init__(self, settings: Settings) -> None:
        self.settings = settings

    def email(self, message: OutboxMessage) -> None:
        if message.notification is None:
            mail.send(self.settings, mail.compose_account(self.settings, message))
        else:
            mail.send(self.settings, mail.compose(self.settings, message.notification))

    def webhook(self, message: OutboxMessage) -> int:
        return webhook_calls.post(self.settings, message)
