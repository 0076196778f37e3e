from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    DecimalField,
    IntegerField,
    SelectField,
    StringField,
    TextAreaField,
    TimeField,
)
from wtforms.validators import InputRequired, Length, NumberRange, Optional

from portal import labels
from portal.forms import MultiCheckboxField
from portal.models import SubmissionKind


class NoticeForm(FlaskForm):
    text_zh = TextAreaField(_l("Chinese text"), validators=[InputRequired(), Length(max=20000)])
    text_en = TextAreaField(_l("English text"), validators=[InputRequired(), Length(max=20000)])


class DecisionForm(FlaskForm):
    kind = SelectField(_l("Decision"), choices=labels.choices(labels.DECISION_KIND))
    decided_on = DateField(_l("Decided on"), validators=[InputRequired()])
    served_on = DateField(_l("Served on the rights holders on"), validators=[InputRequired()])
    summary = TextAreaField(_l("Summary for the participants"), validators=[Length(max=5000)])


class RequestForm(FlaskForm):
    org_id = SelectField(_l("Participant"), coerce=int, choices=[])
    kind = SelectField(_l("What is needed"), choices=labels.choices(labels.REQUEST_KIND))
    message = TextAreaField(_l("Message"), validators=[InputRequired(), Length(max=5000)])
    due_on = DateField(_l("Due by"), validators=[InputRequired()])


class HearingForm(FlaskForm):
    day = DateField(_l("Date"), validators=[InputRequired()])
    time = TimeField(_l("Time (Asia/Shanghai)"), validators=[InputRequired()])
    duration_minutes = IntegerField(
        _l("Duration (minutes)"), default=120, validators=[InputRequired(), NumberRange(15, 1440)]
    )
    court = StringField(_l("Court"), validators=[InputRequired(), Length(max=300)])
    room = StringField(_l("Courtroom"), validators=[Length(max=100)])
    remote_url = StringField(_l("Remote attendance link"), validators=[Length(max=500)])
    interpreter = BooleanField(_l("An interpreter is available"))
    note = TextAreaField(_l("Note for the participants"), validators=[Length(max=2000)])


class CancelForm(FlaskForm):
    reason = TextAreaField(_l("Reason"), validators=[InputRequired(), Length(max=2000)])


class OpinionForm(FlaskForm):
    text = TextAreaField(_l("Your submission"), validators=[InputRequired(), Length(max=20000)])
    evidence_ids = MultiCheckboxField(_l("Supporting evidence"), coerce=int, choices=[])


class AttendanceForm(FlaskForm):
    interpreter_language = StringField(
        _l("Interpreter language, if you need one"),
        description=_l("A language tag such as en, fr, de or ja."),
        validators=[Length(max=35)],
    )
    text = TextAreaField(_l("Who will attend, and anything the court should know"), validators=[Length(max=20000)])


class LossForm(FlaskForm):
    illegal_business_volume = DecimalField(_l("Illegal business volume"), places=2, validators=[Optional()])
    units = IntegerField(_l("Units of infringing goods"), validators=[Optional(), NumberRange(min=0)])
    genuine_unit_price = DecimalField(_l("Price of one genuine unit"), places=2, validators=[Optional()])
    losses_claimed = DecimalField(_l("Losses claimed"), places=2, validators=[InputRequired()])
    currency = StringField(_l("Currency (ISO 4217)"), default="CNY", validators=[InputRequired(), Length(3, 3)])
    text = TextAreaField(_l("How the figures were calculated"), validators=[Length(max=20000)])
    evidence_illegal_business_volume = MultiCheckboxField(_l("Evidence"), coerce=int, choices=[])
    evidence_units = MultiCheckboxField(_l("Evidence"), coerce=int, choices=[])
    evidence_genuine_unit_price = MultiCheckboxField(_l("Evidence"), coerce=int, choices=[])
    evidence_losses_claimed = MultiCheckboxField(_l("Evidence"), coerce=int, choices=[])


FORMS = {
    SubmissionKind.OPINION_CASE: OpinionForm,
    SubmissionKind.OPINION_LENIENCY: OpinionForm,
    SubmissionKind.OPINION_SENTENCING: OpinionForm,
    SubmissionKind.ANSWER: OpinionForm,
    SubmissionKind.PETITION: OpinionForm,
    SubmissionKind.PROTEST_REQUEST: OpinionForm,
    SubmissionKind.ATTENDANCE: AttendanceForm,
    SubmissionKind.LOSS_STATEMENT: LossForm,
}
