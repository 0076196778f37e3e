from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, DateField, SelectField, TextAreaField
from wtforms.validators import InputRequired

from portal import labels
from portal.forms import limits
from portal.schemas.cases import StageChange


class StageForm(FlaskForm):
    stage = SelectField(_l("Stage"), choices=labels.choices(labels.STAGE))
    occurred_on = DateField(_l("Date"), validators=[InputRequired()])
    note = TextAreaField(_l("Note"), validators=limits(StageChange, "note"))
    note_shared = BooleanField(_l("Share the note with the rights holders"))
