"""Demo data for a first look at the embedded default: accounts, and a year's worth of filing and cases.

The organisations and accounts are written directly (a demo has nobody to approve it or to confirm an
address); everything after that, from rights to hearings, goes through the portal's own API, so it carries
the receipts, custody entries and log leaves that users' filing does.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import Flask
from sqlalchemy.orm import Session

from portal.models import Organisation, OrgKind, OrgRole, OrgStatus, Role, User, utcnow
from portal.services.passwords import hash_password

DEMO_PASSWORD = "demo-password-2026"  # noqa: S105 - printed for the demo, embedded default only


@dataclass(frozen=True)
class Org:
    key: str
    name: str
    latin: str
    country: str
    domestic: bool
    number: str
    email: str
    language: str
    kind: OrgKind = OrgKind.RIGHTS_HOLDER
    approved: bool = True


ORGS = (
    Org(
        "lumiere",
        "Maison Lumière SA",
        "Maison Lumiere SA",
        "FR",
        False,
        "RCS Paris 123 456 789",
        "legal@lumiere.example",
        "en",
    ),
    Org(
        "nordwind",
        "Nordwind Uhren GmbH",
        "Nordwind Uhren GmbH",
        "DE",
        False,
        "HRB 98765 Hamburg",
        "recht@nordwind.example",
        "en",
    ),
    Org("orbital", "Orbital Toys Inc.", "Orbital Toys Inc.", "US", False, "DE 7781234", "brand@orbital.example", "en"),
    Org(
        "xinghe",
        "上海星河工艺品有限公司",
        "Shanghai Xinghe Crafts Co., Ltd.",
        "CN",
        True,
        "91310000MA1FL0000X",
        "ip@xinghe.example",
        "zh",
    ),
    Org(
        "yunfan",
        "杭州云帆电子商务有限公司",
        "Hangzhou Yunfan E-commerce Co., Ltd.",
        "CN",
        True,
        "91330100MA2B00000Y",
        "ops@yunfan.example",
        "zh",
        approved=False,
    ),
    Org(
        "jinshi",
        "金石知识产权律师事务所",
        "Jinshi IP Law Firm",
        "CN",
        True,
        "31310000X12345678A",
        "ip@jinshi-law.example",
        "zh",
        kind=OrgKind.AGENT,
    ),
)

# e-mail, role, organisation, language, time zone
ACCOUNTS = (
    ("admin@portal.example", Role.ADMIN, None, "en", "Asia/Shanghai"),
    ("prosecutor@portal.example", Role.PROSECUTOR, None, "zh", "Asia/Shanghai"),
    ("supervisor@portal.example", Role.SUPERVISOR, None, "zh", "Asia/Shanghai"),
    ("counsel@lumiere.example", Role.HOLDER, "lumiere", "en", "Europe/Paris"),
    ("legal@nordwind.example", Role.HOLDER, "nordwind", "en", "Europe/Berlin"),
    ("brand@orbital.example", Role.HOLDER, "orbital", "en", "America/Los_Angeles"),
    ("ip@xinghe.example", Role.HOLDER, "xinghe", "zh", "Asia/Shanghai"),
    ("ops@yunfan.example", Role.HOLDER, "yunfan", "zh", "Asia/Shanghai"),
    ("counsel@jinshi-law.example", Role.HOLDER, "jinshi", "zh", "Asia/Shanghai"),
)


def _accounts(db: Session) -> None:
    orgs = {
        org.key: Organisation(
            legal_name=org.name,
            legal_name_latin=org.latin,
            country=org.country,
            is_foreign=not org.domestic,
            registration_number=org.number,
            contact_email=org.email,
            language=org.language,
            kind=org.kind,
            status=OrgStatus.APPROVED if org.approved else OrgStatus.PENDING,
            decided_at=utcnow() if org.approved else None,
        )
        for org in ORGS
    }
    db.add_all(orgs.values())
    password_hash = hash_password(DEMO_PASSWORD)
    for email, role, org_key, language, timezone in ACCOUNTS:
        db.add(
            User(
                email=email,
                password_hash=password_hash,
                role=role,
                organisation=orgs[org_key] if org_key else None,
                language=language,
                timezone=timezone,
                org_role=OrgRole.ADMIN if org_key else None,  # each the first, so the administrating, member
                email_verified_at=utcnow(),  # demo addresses: nobody to mail a link to
            )
        )
    db.commit()


def seed(app: Flask, db: Session, accounts_only: bool = False) -> list[str]:
    """The demo, or (``accounts_only``) its organisations and accounts with nothing filed."""
    _accounts(db)
    lines = [f"Demo accounts (password for all: {DEMO_PASSWORD}):"]
    agents = {org.key for org in ORGS if org.kind is OrgKind.AGENT}
    for email, role, org_key, *_rest in ACCOUNTS:
        lines.append(f"  {'agent' if org_key in agents else role.value:<11} {email}")
    if accounts_only:
        return lines
    from portal.demo import story  # brings PyAV and NumPy, for the video: only when the story is told

    told = story.tell(app, db)
    lines.append(
        f"Demo data: {told.complaints} complaints with {told.items} evidence items, {told.cases} cases, "
        f"{told.batches} bulk-filing batch."
    )
    return lines
