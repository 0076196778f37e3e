from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import RadioField


class BatchForm(FlaskForm):
    sheet = FileField(_l("The filled-in template (XLSX or CSV)"), validators=[FileRequired(_l("Choose the sheet."))])
    archive = FileField(_l("The evidence files the rows name, as one ZIP (optional)"))
    intent = RadioField(
        _l("File the valid rows as"),
        choices=[("draft", _l("Drafts, to look over and submit one by one")), ("submit", _l("Submitted complaints"))],
        default="draft",
    )
