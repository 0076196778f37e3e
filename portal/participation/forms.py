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
from wtforms.validators import InputRequired, Optional

from portal import labels
from portal.forms import MultiCheckboxField, limits
from portal.models import SubmissionKind
from portal.schemas.proceedings import (
    Cancellation,
    DecisionInput,
    HearingInput,
    LossInput,
    NoticeInput,
    RequestInput,
    SubmissionInput,
)


class NoticeForm(FlaskForm):
    # The API fills in the standard text when one is empty; the page shows it for editing instead.
    text_zh = TextAreaField(_l("Chinese text"), validators=limits(NoticeInput, "text_zh", required=True))
    text_en = TextAreaField(_l("English text"), validators=limits(NoticeInput, "text_en", required=True))


class DecisionForm(FlaskForm):
    kind = SelectField(_l("Decision"), choices=labels.choices(labels.DECISION_KIND))
    decided_on = DateField(_l("Decided on"), validators=[InputRequired()])
    served_on = DateField(_l("Served on the rights holders on"), validators=[InputRequired()])
    summary = TextAreaField(_l("Summary for the participants"), validators=limits(DecisionInput, "summary"))


class RequestForm(FlaskForm):
    org_id = SelectField(_l("Participant"), coerce=int, choices=[])
    kind = SelectField(_l("What is needed"), choices=labels.choices(labels.REQUEST_KIND))
    message = TextAreaField(_l("Message"), validators=limits(RequestInput, "message"))
    due_on = DateField(_l("Due by"), validators=[InputRequired()])


class HearingForm(FlaskForm):
    day = DateField(_l("Date"), validators=[InputRequired()])
    time = TimeField(_l("Time (Asia/Shanghai)"), validators=[InputRequired()])
    duration_minutes = IntegerField(
        _l("Duration (minutes)"), default=120, validators=limits(HearingInput, "duration_minutes")
    )
    court = StringField(_l("Court"), validators=limits(HearingInput, "court"))
    room = StringField(_l("Courtroom"), validators=limits(HearingInput, "room"))
    remote_url = StringField(_l("Remote attendance link"), validators=limits(HearingInput, "remote_url"))
    interpreter = BooleanField(_l("An interpreter is available"))
    note = TextAreaField(_l("Note for the participants"), validators=limits(HearingInput, "note"))


class CancelForm(FlaskForm):
    reason = TextAreaField(_l("Reason"), validators=limits(Cancellation, "reason"))


class OpinionForm(FlaskForm):
    text = TextAreaField(_l("Your submission"), validators=limits(SubmissionInput, "text", required=True))
    evidence_ids = MultiCheckboxField(_l("Supporting evidence"), coerce=int, choices=[])


class AttendanceForm(FlaskForm):
    interpreter_language = StringField(
        _l("Interpreter language, if you need one"),
        description=_l("A language tag such as en, fr, de or ja."),
        validators=limits(SubmissionInput, "interpreter_language", _l("A language tag such as en.")),
    )
    text = TextAreaField(
        _l("Who will attend, and anything the court should know"), validators=limits(SubmissionInput, "text")
    )


class LossForm(FlaskForm):
    illegal_business_volume = DecimalField(_l("Illegal business volume"), places=2, validators=[Optional()])
    units = IntegerField(_l("Units of infringing goods"), validators=limits(LossInput, "units"))
    genuine_unit_price = DecimalField(_l("Price of one genuine unit"), places=2, validators=[Optional()])
    losses_claimed = DecimalField(_l("Losses claimed"), places=2, validators=limits(LossInput, "losses_claimed"))
    currency = StringField(
        _l("Currency (ISO 4217)"),
        default="CNY",
        validators=limits(LossInput, "currency", _l("Three letters, such as CNY.")),
    )
    text = TextAreaField(_l("How the figures were calculated"), validators=limits(SubmissionInput, "text"))
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
