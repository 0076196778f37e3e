from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, DateField, SelectField, TextAreaField
from wtforms.validators import InputRequired, Length

from portal import labels


class StageForm(FlaskForm):
    stage = SelectField(_l("Stage"), choices=labels.choices(labels.STAGE))
    occurred_on = DateField(_l("Date"), validators=[InputRequired()])
    note = TextAreaField(_l("Note"), validators=[Length(max=10000)])
    note_shared = BooleanField(_l("Share the note with the rights holders"))
