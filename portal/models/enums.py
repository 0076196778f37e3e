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


class OrgRole(StrEnum):
    """A member's part in their organisation."""

    ADMIN = "admin"
    """Manages members, tokens, webhooks and powers of attorney, and files."""
    MEMBER = "member"
    """Files complaints and evidence and takes part in cases."""
    VIEWER = "viewer"
    """Reads only."""


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
    REPAIRED = "repaired"


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
    NOTICE_SERVED = "notice.served"
    DEADLINE_OPENED = "deadline.opened"
    DEADLINE_APPROACHING = "deadline.approaching"
    REQUEST_MADE = "request.made"
    HEARING_SCHEDULED = "hearing.scheduled"
    HEARING_CHANGED = "hearing.changed"
    HEARING_CANCELLED = "hearing.cancelled"
    SUBMISSION_RECEIVED = "submission.received"
    ASSIGNED = "staff.assigned"
    DOCUMENT_SHARED = "document.shared"
    POWER_GRANTED = "power.granted"
    POWER_REVOKED = "power.revoked"
    TEST = "webhook.test"


class Channel(StrEnum):
    EMAIL = "email"
    WEBHOOK = "webhook"
    ACCOUNT_EMAIL = "account_email"
    """A mail about the account itself (a link to confirm an address or reset a password), not a notification."""


class TokenScope(StrEnum):
    """What an API token may do; within it, the user's role still decides."""

    READ = "read"
    """Read what the user can see, and mark notifications read."""
    FILE = "file"
    """Record rights, file complaints and upload evidence."""
    CASES = "cases"
    """Take part in cases: submissions and acknowledgements; for staff, review and case work."""
    ADMIN = "admin"
    """Administer the organisation (members, tokens, webhooks, powers of attorney) and the user's own account;
    for staff administrators, the portal's settings and staff."""


class LinkPurpose(StrEnum):
    """What a single-use link sent by e-mail does."""

    VERIFY_EMAIL = "verify_email"
    RESET_PASSWORD = "reset_password"
    INVITATION = "invitation"


class AccountEventKind(StrEnum):
    """What the account log records."""

    SIGNED_IN = "signed_in"
    SIGN_IN_FAILED = "sign_in_failed"
    SESSION_ENDED = "session_ended"
    PASSWORD_CHANGED = "password_changed"
    PASSWORD_RESET_ASKED = "password_reset_asked"
    PASSWORD_RESET = "password_reset"
    EMAIL_CHANGE_ASKED = "email_change_asked"
    EMAIL_CONFIRMED = "email_confirmed"
    TOKEN_CREATED = "token_created"
    TOKEN_REVOKED = "token_revoked"
    MEMBER_INVITED = "member_invited"
    INVITATION_ACCEPTED = "invitation_accepted"
    INVITATION_REVOKED = "invitation_revoked"
    MEMBER_ROLE_CHANGED = "member_role_changed"
    MEMBER_REMOVED = "member_removed"
    SECOND_FACTOR_ADDED = "second_factor_added"
    SECOND_FACTOR_REMOVED = "second_factor_removed"
    SECOND_FACTOR_FAILED = "second_factor_failed"
    RECOVERY_CODES_MADE = "recovery_codes_made"
    RECOVERY_CODE_USED = "recovery_code_used"
    TWO_FACTOR_POLICY_CHANGED = "two_factor_policy_changed"


class DeliveryStatus(StrEnum):
    PENDING = "pending"
    SENT = "sent"
    FAILED = "failed"
    """Given up after the last retry, or refused for good (an SMTP 5xx)."""


class DocumentKind(StrEnum):
    INDICTMENT = "indictment"
    DECISION = "decision"
    JUDGMENT = "judgment"
    NOTICE = "notice"
    OTHER = "other"


class DecisionKind(StrEnum):
    """Decisions that open a statutory deadline for the rights holder (domain.md, stages 5 and 7)."""

    NON_PROSECUTION = "non_prosecution"
    FIRST_INSTANCE_JUDGMENT = "first_instance_judgment"


class RequestKind(StrEnum):
    MORE_EVIDENCE = "more_evidence"
    IDENTIFY_GOODS = "identify_goods"
    LOSS_STATEMENT = "loss_statement"
    ATTENDANCE = "attendance"
    OTHER = "other"


class SubmissionKind(StrEnum):
    OPINION_CASE = "opinion_case"
    OPINION_LENIENCY = "opinion_leniency"
    OPINION_SENTENCING = "opinion_sentencing"
    LOSS_STATEMENT = "loss_statement"
    ANSWER = "answer"
    ATTENDANCE = "attendance"
    PETITION = "petition"
    PROTEST_REQUEST = "protest_request"


class HearingStatus(StrEnum):
    SCHEDULED = "scheduled"
    CANCELLED = "cancelled"


class OrgKind(StrEnum):
    RIGHTS_HOLDER = "rights_holder"
    AGENT = "agent"
    """A law firm or brand-protection vendor acting for rights holders under powers of attorney."""


class AgencyScope(StrEnum):
    """What a power of attorney lets the agent do for its principal."""

    COMPLAINTS = "complaints"
    """Record IP rights, file complaints, add evidence, answer requests for more information."""
    PROCEEDINGS = "proceedings"
    """Take part in cases: notices, submissions, answers, hearings, documents."""


class RowState(StrEnum):
    """Where a row of a bulk-filing batch stands."""

    INVALID = "invalid"
    """Checking found errors: it is never filed."""
    READY = "ready"
    FILED = "filed"
    FAILED = "failed"
    """Refused while being filed (a right retired since the check, say); its errors say why."""
