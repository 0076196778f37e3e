"""Demo accounts for a first look at the embedded default."""

from __future__ import annotations

from datetime import date

from sqlalchemy.orm import Session

from portal.models import IPRight, Organisation, OrgKind, OrgRole, OrgStatus, RightType, Role, User, utcnow
from portal.services.passwords import hash_password

DEMO_PASSWORD = "demo-password-2026"  # noqa: S105 - printed for the demo, embedded default only


def seed(db: Session) -> list[str]:
    brand = Organisation(
        legal_name="Maison Lumière SA",
        legal_name_latin="Maison Lumiere SA",
        country="FR",
        is_foreign=True,
        registration_number="RCS Paris 123 456 789",
        contact_email="legal@lumiere.example",
        language="en",
        status=OrgStatus.APPROVED,
        decided_at=utcnow(),
    )
    pending = Organisation(
        legal_name="上海星河服饰有限公司",
        legal_name_latin="Shanghai Xinghe Apparel Co., Ltd.",
        country="CN",
        is_foreign=False,
        registration_number="91310000MA1FL0000X",
        contact_email="ip@xinghe.example",
        language="zh",
    )
    firm = Organisation(
        legal_name="金石知识产权律师事务所",
        legal_name_latin="Jinshi IP Law Firm",
        country="CN",
        is_foreign=False,
        kind=OrgKind.AGENT,
        contact_email="ip@jinshi-law.example",
        language="zh",
        status=OrgStatus.APPROVED,
        decided_at=utcnow(),
    )
    brand.rights.append(
        IPRight(
            right_type=RightType.TRADEMARK,
            registration_number="G1234567",
            registry_name="WIPO Madrid",
            owner="Maison Lumière SA",
            valid_from=date(2018, 5, 1),
            valid_until=date(2028, 5, 1),
            scope="Class 18: handbags, wallets; Class 25: clothing",
        )
    )
    accounts = [
        ("admin@portal.example", Role.ADMIN, None, "en", "Asia/Shanghai"),
        ("prosecutor@portal.example", Role.PROSECUTOR, None, "zh", "Asia/Shanghai"),
        ("supervisor@portal.example", Role.SUPERVISOR, None, "zh", "Asia/Shanghai"),
        ("counsel@lumiere.example", Role.HOLDER, brand, "en", "Europe/Paris"),
        ("ip@xinghe.example", Role.HOLDER, pending, "zh", "Asia/Shanghai"),
        ("counsel@jinshi-law.example", Role.HOLDER, firm, "zh", "Asia/Shanghai"),
    ]
    db.add_all([brand, pending, firm])
    password_hash = hash_password(DEMO_PASSWORD)
    for email, role, org, language, timezone in accounts:
        db.add(
            User(
                email=email,
                password_hash=password_hash,
                role=role,
                organisation=org,
                language=language,
                timezone=timezone,
                org_role=OrgRole.ADMIN if org is not None else None,  # each the first, so the administrating, member
                email_verified_at=utcnow(),  # demo addresses: nobody to mail a link to
            )
        )
    db.commit()
    lines = [f"Demo accounts (password for all: {DEMO_PASSWORD}):"]
    lines += [f"  {'agent' if org is firm else role.value:<11} {email}" for email, role, org, *_rest in accounts]
    return lines
