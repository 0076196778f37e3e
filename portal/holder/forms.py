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
from wtforms.validators import Length, Optional

from portal import labels
from portal.forms import MultiCheckboxField, limits, most
from portal.schemas.complaints import ComplaintInput, InfringerInput, Reply, RightFields


class RightForm(FlaskForm):
    org_id = SelectField(_l("For"), coerce=int, choices=[], validate_choice=False)
    right_type = SelectField(_l("Type"), choices=labels.choices(labels.RIGHT_TYPE))
    registration_number = StringField(
        _l("Registration or certificate number"), validators=limits(RightFields, "registration_number")
    )
    registry = StringField(
        _l("Registry (e.g. CNIPA, WIPO Madrid, EUIPO, USPTO)"), validators=limits(RightFields, "registry")
    )
    owner = StringField(_l("Owner"), validators=limits(RightFields, "owner"))
    valid_from = DateField(_l("Valid from"), validators=[Optional()])
    valid_until = DateField(_l("Valid until"), validators=[Optional()])
    scope = TextAreaField(_l("Classes or scope"), validators=limits(RightFields, "scope"))


class InfringerForm(Form):
    # Blank rows are dropped, so the service, not the row, requires a name of the rows that remain.
    name = StringField(_l("Name"), validators=limits(InfringerInput, "name", required=False))
    address = StringField(_l("Address"), validators=limits(InfringerInput, "address"))
    shop_urls = TextAreaField(_l("Online shop URLs (one a line)"), validators=[Length(max=5000)])
    platform = StringField(_l("Platform"), validators=limits(InfringerInput, "platform"))


class ComplaintForm(FlaskForm):
    org_id = SelectField(_l("On behalf of"), coerce=int, choices=[], validate_choice=False)
    title = StringField(_l("Short title"), validators=limits(ComplaintInput, "title"))
    right_ids = MultiCheckboxField(_l("Rights infringed"), coerce=int)
    infringers = FieldList(FormField(InfringerForm), min_entries=1, max_entries=most(ComplaintInput, "infringers"))
    facts = TextAreaField(_l("Facts"), validators=limits(ComplaintInput, "facts"))
    discovered_on = DateField(_l("Discovered on"), validators=[Optional()])
    discovery_method = TextAreaField(_l("How it was discovered"), validators=limits(ComplaintInput, "discovery_method"))
    illegal_volume = DecimalField(
        _l("Estimated illegal business volume"), places=2, validators=limits(ComplaintInput, "illegal_volume")
    )
    units = IntegerField(_l("Estimated units"), validators=limits(ComplaintInput, "units"))
    currency = StringField(
        _l("Currency"),
        default="CNY",
        validators=limits(ComplaintInput, "currency", _l("Three letters, such as CNY.")),
    )
    language = SelectField(_l("Language of the complaint"), choices=[("en", "English"), ("zh", "中文")])


class ReplyForm(FlaskForm):
    reply = TextAreaField(_l("Your reply"), validators=limits(Reply, "reply"))


class ConfirmForm(FlaskForm):
    """A bare form: a button with its CSRF token."""
