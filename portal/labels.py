"""Translated labels for stored values, for pages and e-mails."""

from flask_babel import lazy_gettext as _l

from portal.models import (
    AccountEventKind,
    AgencyScope,
    ComplaintStatus,
    CustodyAction,
    DecisionKind,
    DeliveryStatus,
    DocumentKind,
    EventKind,
    EvidenceKind,
    OrgKind,
    OrgRole,
    OrgStatus,
    RequestKind,
    RightType,
    Role,
    Stage,
    SubmissionKind,
    TokenScope,
)

ROLE = {
    Role.HOLDER: _l("Rights holder"),
    Role.PROSECUTOR: _l("Prosecutor"),
    Role.SUPERVISOR: _l("Supervisor"),
    Role.ADMIN: _l("Administrator"),
}
ORG_STATUS = {
    OrgStatus.PENDING: _l("Awaiting approval"),
    OrgStatus.APPROVED: _l("Approved"),
    OrgStatus.REJECTED: _l("Rejected"),
}
RIGHT_TYPE = {
    RightType.TRADEMARK: _l("Trademark"),
    RightType.PATENT: _l("Patent"),
    RightType.COPYRIGHT: _l("Copyright"),
    RightType.TRADE_SECRET: _l("Trade secret"),
    RightType.GEOGRAPHICAL_INDICATION: _l("Geographical indication"),
}
COMPLAINT_STATUS = {
    ComplaintStatus.DRAFT: _l("Draft"),
    ComplaintStatus.SUBMITTED: _l("Submitted"),
    ComplaintStatus.UNDER_REVIEW: _l("Under review"),
    ComplaintStatus.INFO_REQUESTED: _l("More information requested"),
    ComplaintStatus.ACCEPTED: _l("Accepted"),
    ComplaintStatus.DECLINED: _l("Declined"),
    ComplaintStatus.WITHDRAWN: _l("Withdrawn"),
}
EVIDENCE_KIND = {
    EvidenceKind.PHOTO_OF_GOODS: _l("Photo of goods"),
    EvidenceKind.TEST_PURCHASE: _l("Test purchase record"),
    EvidenceKind.NOTARIAL_CERTIFICATE: _l("Notarial certificate"),
    EvidenceKind.WEB_CAPTURE: _l("Web page capture"),
    EvidenceKind.APPRAISAL_REPORT: _l("Appraisal report"),
    EvidenceKind.SALES_RECORDS: _l("Sales records"),
    EvidenceKind.REGISTRATION_CERTIFICATE: _l("Registration certificate"),
    EvidenceKind.POWER_OF_ATTORNEY: _l("Power of attorney"),
    EvidenceKind.TRANSLATION: _l("Translation"),
    EvidenceKind.OTHER: _l("Other"),
}
CUSTODY_ACTION = {
    CustodyAction.RECEIVED: _l("Received"),
    CustodyAction.VIEWED: _l("Viewed"),
    CustodyAction.DOWNLOADED: _l("Downloaded"),
    CustodyAction.VERIFIED: _l("Verified"),
    CustodyAction.LINKED: _l("Linked to a case"),
    CustodyAction.EXPORTED: _l("Exported in a bundle"),
    CustodyAction.REPAIRED: _l("Stored copy repaired"),
}
# Who found or repaired a stored copy: custody details "via".
CHECKED_VIA = {
    "scrub": _l("the scrub"),
    "download": _l("a download"),
    "export": _l("a bundle export"),
    "verify": _l("a verification"),
    "upload": _l("an upload of the same file"),
    "operator": _l("the operator, from a copy"),
}
DAMAGE_OUTCOME = {"mismatch": _l("altered"), "missing": _l("missing")}
STAGE = {
    Stage.FILING_SUPERVISION: _l("Case-filing supervision"),
    Stage.INVESTIGATION: _l("Investigation"),
    Stage.ARREST_REVIEW: _l("Review for arrest approval"),
    Stage.PROSECUTION_REVIEW: _l("Review for prosecution"),
    Stage.PROSECUTED: _l("Decision: prosecution"),
    Stage.NOT_PROSECUTED: _l("Decision: non-prosecution"),
    Stage.FIRST_INSTANCE: _l("First-instance trial"),
    Stage.SECOND_INSTANCE: _l("Second instance"),
    Stage.FINAL_JUDGMENT: _l("Final judgment and execution"),
}
ORG_ROLE = {
    OrgRole.ADMIN: _l("administrator"),
    OrgRole.MEMBER: _l("member"),
    OrgRole.VIEWER: _l("viewer"),
}
ORG_ROLE_MEANS = {
    OrgRole.ADMIN: _l("manages members, tokens, webhooks and powers of attorney, and files"),
    OrgRole.MEMBER: _l("files complaints and evidence and takes part in cases"),
    OrgRole.VIEWER: _l("reads only"),
}
# What an invitation offers, by the org_role or staff role it names.
INVITED_ROLE = {
    **{role.value: label for role, label in ORG_ROLE.items()},
    Role.PROSECUTOR.value: _l("prosecutor"),
    Role.SUPERVISOR.value: _l("supervisor"),
    Role.ADMIN.value: _l("administrator"),
}

ACCOUNT_EVENT = {
    AccountEventKind.SIGNED_IN: _l("signed in"),
    AccountEventKind.SIGN_IN_FAILED: _l("sign-in failed"),
    AccountEventKind.SESSION_ENDED: _l("a browser was signed out"),
    AccountEventKind.PASSWORD_CHANGED: _l("password changed"),
    AccountEventKind.PASSWORD_RESET_ASKED: _l("password reset asked for"),
    AccountEventKind.PASSWORD_RESET: _l("password reset"),
    AccountEventKind.EMAIL_CHANGE_ASKED: _l("change of e-mail address asked for"),
    AccountEventKind.EMAIL_CONFIRMED: _l("e-mail address confirmed"),
    AccountEventKind.TOKEN_CREATED: _l("API token created"),
    AccountEventKind.TOKEN_REVOKED: _l("API token revoked"),
    AccountEventKind.MEMBER_INVITED: _l("invited"),
    AccountEventKind.INVITATION_ACCEPTED: _l("invitation accepted"),
    AccountEventKind.INVITATION_REVOKED: _l("invitation withdrawn"),
    AccountEventKind.MEMBER_ROLE_CHANGED: _l("role changed"),
    AccountEventKind.MEMBER_REMOVED: _l("removed from the organisation"),
}

TOKEN_SCOPE = {
    TokenScope.READ: _l("read what you can see"),
    TokenScope.FILE: _l("record rights, file complaints and upload evidence"),
    TokenScope.CASES: _l("take part in cases (for staff: review and case work)"),
    TokenScope.ADMIN: _l("administer the organisation and your account"),
}

EVENT_KIND = {
    EventKind.COMPLAINT_DECIDED: _l("Decisions on my complaints"),
    EventKind.STAGE_CHANGED: _l("Case stage changes"),
    EventKind.NOTICE_SERVED: _l("Notices served on us"),
    EventKind.DEADLINE_OPENED: _l("Decisions that open a deadline"),
    EventKind.DEADLINE_APPROACHING: _l("Deadline reminders (3 days and 1 day before)"),
    EventKind.REQUEST_MADE: _l("Requests from the prosecutor"),
    EventKind.HEARING_SCHEDULED: _l("Hearings scheduled"),
    EventKind.HEARING_CHANGED: _l("Hearings changed"),
    EventKind.HEARING_CANCELLED: _l("Hearings cancelled"),
    EventKind.DOCUMENT_SHARED: _l("Documents shared with us"),
    EventKind.POWER_GRANTED: _l("Powers of attorney granted to us"),
    EventKind.POWER_REVOKED: _l("Powers of attorney revoked"),
    EventKind.SUBMISSION_RECEIVED: _l("Submissions from participants in my cases"),
    EventKind.ASSIGNED: _l("Complaints and cases assigned to me"),
    EventKind.TEST: _l("Webhook test events"),
}
DELIVERY_STATUS = {
    DeliveryStatus.PENDING: _l("Waiting to be sent"),
    DeliveryStatus.SENT: _l("Delivered"),
    DeliveryStatus.FAILED: _l("Failed"),
}
DECISION_KIND = {
    DecisionKind.NON_PROSECUTION: _l("Decision not to prosecute"),
    DecisionKind.FIRST_INSTANCE_JUDGMENT: _l("First-instance judgment"),
}
REQUEST_KIND = {
    RequestKind.MORE_EVIDENCE: _l("more evidence"),
    RequestKind.IDENTIFY_GOODS: _l("identification of seized goods as genuine or counterfeit"),
    RequestKind.LOSS_STATEMENT: _l("a statement of losses"),
    RequestKind.ATTENDANCE: _l("attendance"),
    RequestKind.OTHER: _l("information"),
}
SUBMISSION_KIND = {
    SubmissionKind.OPINION_CASE: _l("an opinion on the case"),
    SubmissionKind.OPINION_LENIENCY: _l("an opinion on guilty-plea leniency"),
    SubmissionKind.OPINION_SENTENCING: _l("an opinion on the sentencing recommendation"),
    SubmissionKind.LOSS_STATEMENT: _l("a statement of losses"),
    SubmissionKind.ANSWER: _l("an answer to a request"),
    SubmissionKind.ATTENDANCE: _l("a request to attend a hearing"),
    SubmissionKind.PETITION: _l("a petition against non-prosecution"),
    SubmissionKind.PROTEST_REQUEST: _l("a request for a protest"),
}
DOCUMENT_KIND = {
    DocumentKind.INDICTMENT: _l("Indictment"),
    DocumentKind.DECISION: _l("Decision"),
    DocumentKind.JUDGMENT: _l("Judgment"),
    DocumentKind.NOTICE: _l("Notice"),
    DocumentKind.OTHER: _l("Other document"),
}
AGENCY_SCOPE = {
    AgencyScope.COMPLAINTS: _l("record rights, file complaints and evidence, answer requests for information"),
    AgencyScope.PROCEEDINGS: _l("take part in cases: notices, submissions, hearings, documents"),
}
ORG_KIND = {
    OrgKind.RIGHTS_HOLDER: _l("Rights holder"),
    OrgKind.AGENT: _l("Authorised agent"),
}
LANGUAGE = {"en": "English", "zh": "中文"}

ALL: dict[str, dict] = {
    "role": ROLE,
    "org_status": ORG_STATUS,
    "right_type": RIGHT_TYPE,
    "complaint_status": COMPLAINT_STATUS,
    "evidence_kind": EVIDENCE_KIND,
    "custody_action": CUSTODY_ACTION,
    "checked_via": CHECKED_VIA,
    "damage_outcome": DAMAGE_OUTCOME,
    "stage": STAGE,
    "event_kind": EVENT_KIND,
    "token_scope": TOKEN_SCOPE,
    "org_role": ORG_ROLE,
    "org_role_means": ORG_ROLE_MEANS,
    "account_event": ACCOUNT_EVENT,
    "delivery_status": DELIVERY_STATUS,
    "decision_kind": DECISION_KIND,
    "request_kind": REQUEST_KIND,
    "submission_kind": SUBMISSION_KIND,
    "document_kind": DOCUMENT_KIND,
    "agency_scope": AGENCY_SCOPE,
    "org_kind": ORG_KIND,
    "language": LANGUAGE,
}


def choices(mapping: dict) -> list[tuple[str, str]]:
    return [(str(key), label) for key, label in mapping.items()]
