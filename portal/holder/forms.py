from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    DateField,
    DecimalField,
    FieldList,
    Form,
    FormField,
    IntegerField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import InputRequired, Length, NumberRange, Optional, Regexp

from portal import labels
from portal.forms import MultiCheckboxField


class RightForm(FlaskForm):
    org_id = SelectField(_l("For"), coerce=int, choices=[], validate_choice=False)
    right_type = SelectField(_l("Type"), choices=labels.choices(labels.RIGHT_TYPE))
    registration_number = StringField(
        _l("Registration or certificate number"), validators=[InputRequired(), Length(max=100)]
    )
    registry = StringField(
        _l("Registry (e.g. CNIPA, WIPO Madrid, EUIPO, USPTO)"), validators=[InputRequired(), Length(max=100)]
    )
    owner = StringField(_l("Owner"), validators=[InputRequired(), Length(max=300)])
    valid_from = DateField(_l("Valid from"), validators=[Optional()])
    valid_until = DateField(_l("Valid until"), validators=[Optional()])
    scope = TextAreaField(_l("Classes or scope"), validators=[Length(max=5000)])


class InfringerForm(Form):
    name = StringField(_l("Name"), validators=[Length(max=300)])
    address = StringField(_l("Address"), validators=[Length(max=1000)])
    shop_urls = TextAreaField(_l("Online shop URLs (one a line)"), validators=[Length(max=5000)])
    platform = StringField(_l("Platform"), validators=[Length(max=100)])


class ComplaintForm(FlaskForm):
    org_id = SelectField(_l("On behalf of"), coerce=int, choices=[], validate_choice=False)
    title = StringField(_l("Short title"), validators=[InputRequired(), Length(max=200)])
    right_ids = MultiCheckboxField(_l("Rights infringed"), coerce=int)
    infringers = FieldList(FormField(InfringerForm), min_entries=1, max_entries=20)
    facts = TextAreaField(_l("Facts"), validators=[Length(max=50000)])
    discovered_on = DateField(_l("Discovered on"), validators=[Optional()])
    discovery_method = TextAreaField(_l("How it was discovered"), validators=[Length(max=5000)])
    illegal_volume = DecimalField(
        _l("Estimated illegal business volume"), places=2, validators=[Optional(), NumberRange(min=0)]
    )
    units = IntegerField(_l("Estimated units"), validators=[Optional(), NumberRange(min=0)])
    currency = StringField(
        _l("Currency"),
        default="CNY",
        validators=[InputRequired(), Regexp(r"^[A-Za-z]{3}$", message=_l("Three letters, such as CNY."))],
    )
    language = SelectField(_l("Language of the complaint"), choices=[("en", "English"), ("zh", "中文")])


class ReplyForm(FlaskForm):
    reply = TextAreaField(_l("Your reply"), validators=[InputRequired(), Length(max=20000)])


class ConfirmForm(FlaskForm):
    """A bare form: a button with its CSRF token."""
