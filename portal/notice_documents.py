"""The notice of litigation rights and obligations: its bilingual template and its PDF.

The texts in ``templates/notices/`` are filled with the case's data and
shown to the prosecutor, who may edit them before serving; the served texts
are what the PDF holds.
"""

from __future__ import annotations

from datetime import date, datetime

from flask import render_template

from evidence.listing_pdf import Letter
from portal import printing
from portal.models import Case, Organisation
from portal.services.shanghai import CHINA


def default_texts(case: Case, org: Organisation, today: date) -> tuple[str, str]:
    """(Chinese, English) texts of the notice for ``org`` in ``case``."""
    context = {
        "case": case,
        "org": org,
        "served_on_zh": f"{today.year}年{today.month}月{today.day}日",
        "served_on_en": today.strftime("%-d %B %Y"),
    }
    return render_template("notices/rights_zh.txt", **context), render_template("notices/rights_en.txt", **context)


def render_pdf(case: Case, org: Organisation, text_zh: str, text_en: str, served_at: datetime) -> bytes:
    served = served_at.astimezone(CHINA).strftime("%Y-%m-%d %H:%M UTC+08:00")
    footer = (
        f"{case.procuratorate} · {case.case_number} · {org.legal_name}\n"
        f"送达时间 Served: {served} · 经知识产权证据门户送达 Served through the IP Evidence Portal"
    )
    title = f"诉讼权利义务告知书 Notice of litigation rights and obligations · {case.case_number}"
    return printing.render(Letter(title=title, sections=[text_zh, text_en], footer=footer, font=printing.pdf_font()))
