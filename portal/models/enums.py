"""States, roles and kinds; values are stored, labels live in portal.labels."""

from enum import StrEnum


class Role(StrEnum):
    HOLDER = "holder"
    PROSECUTOR = "prosecutor"
    SUPERVISOR = "supervisor"
    ADMIN = "admin"

    @property
    def is_staff(self) -> bool:
        return self is not Role.HOLDER


class OrgStatus(StrEnum):
    PENDING = "pending"
    APPROVED = "approved"
    REJECTED = "rejected"


class RightType(StrEnum):
    TRADEMARK = "trademark"
    PATENT = "patent"
    COPYRIGHT = "copyright"
    TRADE_SECRET = "trade_secret"
    GEOGRAPHICAL_INDICATION = "geographical_indication"


class ComplaintStatus(StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"
    UNDER_REVIEW = "under_review"
    INFO_REQUESTED = "info_requested"
    ACCEPTED = "accepted"
    DECLINED = "declined"
    WITHDRAWN = "withdrawn"


class EvidenceKind(StrEnum):
    PHOTO_OF_GOODS = "photo_of_goods"
    TEST_PURCHASE = "test_purchase"
    NOTARIAL_CERTIFICATE = "notarial_certificate"
    WEB_CAPTURE = "web_capture"
    APPRAISAL_REPORT = "appraisal_report"
    SALES_RECORDS = "sales_records"
    REGISTRATION_CERTIFICATE = "registration_certificate"
    POWER_OF_ATTORNEY = "power_of_attorney"
    TRANSLATION = "translation"
    OTHER = "other"


class CustodyAction(StrEnum):
    RECEIVED = "received"
    EXPORTED = "exported"
    VIEWED = "viewed"
    DOWNLOADED = "downloaded"
    VERIFIED = "verified"
    LINKED = "linked"


class Stage(StrEnum):
    """Stages of a criminal case, in procedural order (domain.md)."""

    FILING_SUPERVISION = "filing_supervision"
    INVESTIGATION = "investigation"
    ARREST_REVIEW = "arrest_review"
    PROSECUTION_REVIEW = "prosecution_review"
    PROSECUTED = "prosecuted"
    NOT_PROSECUTED = "not_prosecuted"
    FIRST_INSTANCE = "first_instance"
    SECOND_INSTANCE = "second_instance"
    FINAL_JUDGMENT = "final_judgment"


class EventKind(StrEnum):
    """What a notification, e-mail or webhook tells its reader about."""

    COMPLAINT_DECIDED = "complaint.decided"
    STAGE_CHANGED = "case.stage_changed"
    TEST = "webhook.test"


class Channel(StrEnum):
    EMAIL = "email"
    WEBHOOK = "webhook"


class DeliveryStatus(StrEnum):
    PENDING = "pending"
    SENT = "sent"
    FAILED = "failed"
    """Given up after the last retry, or refused for good (an SMTP 5xx)."""
