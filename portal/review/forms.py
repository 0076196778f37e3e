from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, RadioField, SelectField, StringField, TextAreaField
from wtforms.validators import Length, Optional

from portal import labels
from portal.forms import limits
from portal.schemas.accounts import OrganisationDecision
from portal.schemas.cases import CaseFields
from portal.schemas.complaints import Decision


class OrgDecisionForm(FlaskForm):
    decision = RadioField(choices=[("approve", _l("Approve")), ("reject", _l("Reject"))], default="approve")
    reason = StringField(_l("Reason (required to reject)"), validators=limits(OrganisationDecision, "reason"))


class DecisionForm(FlaskForm):
    action = RadioField(
        _l("Decision"),
        choices=[
            ("request_information", _l("Request more information")),
            ("decline", _l("Decline")),
            ("accept", _l("Accept into a criminal case")),
        ],
        default="request_information",
    )
    message = TextAreaField(_l("What is needed"), validators=limits(Decision, "message"))
    due = DateField(_l("Deadline"), validators=[Optional()])
    reason = TextAreaField(_l("Reason for declining"), validators=limits(Decision, "reason"))
    case = StringField(
        _l("Link to existing case"),
        description=_l("Type part of its number and choose it; leave empty to open a new case."),
        validators=limits(CaseFields, "case_number", required=False),
    )
    # Required only when a new case is opened: the service checks that, these the lengths.
    case_number = StringField(_l("New case number"), validators=limits(CaseFields, "case_number", required=False))
    procuratorate = StringField(_l("Procuratorate"), validators=limits(CaseFields, "procuratorate", required=False))
    charges = TextAreaField(_l("Charges"), validators=limits(CaseFields, "charges", required=False))
    prosecutor_id = SelectField(_l("Responsible prosecutor"), coerce=int, validators=[Optional()])
    stage = SelectField(_l("Current stage"), choices=labels.choices(labels.STAGE), default="prosecution_review")


class QueueForm(FlaskForm):
    class Meta:
        csrf = False

    status = SelectField(_l("Status"), validators=[Optional()])
    origin = SelectField(
        _l("Origin"),
        choices=[("", _l("All")), ("foreign", _l("Foreign")), ("domestic", _l("Domestic"))],
        validators=[Optional()],
    )
    right_type = SelectField(_l("Right"), validators=[Optional()])
    order = SelectField(
        _l("Order"), choices=[("newest", _l("Newest first")), ("oldest", _l("Oldest first"))], validators=[Optional()]
    )
    assigned = SelectField(
        _l("Assigned"),
        choices=[("", _l("All")), ("me", _l("To me")), ("none", _l("To nobody"))],
        validators=[Optional()],
    )
    cursor = StringField(validators=[Optional(), Length(max=64)])


class AssignForm(FlaskForm):
    prosecutor_id = SelectField(_l("Prosecutor"), coerce=int, choices=[])
