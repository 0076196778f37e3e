"""Typed SQLAlchemy 2.0 models; no Flask in here."""

from portal.models.accounts import ApiToken, IPRight, LoginSession, Organisation, User
from portal.models.base import Base, utcnow
from portal.models.cases import Case, StageChange
from portal.models.complaints import Complaint, InformationRequest, Infringer, complaint_rights
from portal.models.enums import (
    Channel,
    ComplaintStatus,
    CustodyAction,
    DeliveryStatus,
    EventKind,
    EvidenceKind,
    OrgStatus,
    RightType,
    Role,
    Stage,
)
from portal.models.evidence import CustodyEvent, EvidenceItem
from portal.models.notifications import DeliveryAttempt, EmailOptOut, Notification, OutboxMessage, Webhook
from portal.models.transparency import LogCheckpoint, LogEntry, LogHead, LogNode, Receipt

__all__ = [
    "ApiToken",
    "Base",
    "Case",
    "Channel",
    "Complaint",
    "ComplaintStatus",
    "CustodyAction",
    "CustodyEvent",
    "DeliveryAttempt",
    "DeliveryStatus",
    "EmailOptOut",
    "EventKind",
    "EvidenceItem",
    "EvidenceKind",
    "IPRight",
    "LogCheckpoint",
    "LogEntry",
    "LogHead",
    "LogNode",
    "Receipt",
    "InformationRequest",
    "Infringer",
    "LoginSession",
    "Notification",
    "OutboxMessage",
    "OrgStatus",
    "Organisation",
    "RightType",
    "Role",
    "Stage",
    "StageChange",
    "User",
    "Webhook",
    "complaint_rights",
    "utcnow",
]
