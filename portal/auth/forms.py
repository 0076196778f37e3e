from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, PasswordField, RadioField, SelectField, StringField
from wtforms.validators import Email, EqualTo, InputRequired, Length, Regexp

from portal.forms import MultiCheckboxField, limits
from portal.schemas.accounts import Preferences, TokenInput
from portal.services.accounts import TIMEZONES
from portal.services.passwords import MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH
from portal.services.tokens import DEFAULT_DAYS, MAX_DAYS


def timezone_field() -> SelectField:
    return SelectField(
        _l("Time zone"),
        choices=[(zone, zone.replace("_", " ")) for zone in sorted(TIMEZONES)],
        default="UTC",
        description=_l("Times are shown in this zone; statutory deadlines are computed in Asia/Shanghai."),
    )


def new_password_field(label: str) -> PasswordField:
    """Where a password is chosen: the length rules here, the rest (common, own e-mail) in the service."""
    return PasswordField(
        label,
        validators=[InputRequired(), Length(min=MIN_PASSWORD_LENGTH, max=MAX_PASSWORD_LENGTH)],
        description=_l("At least 12 characters; a passphrase of several words is easy to remember and hard to guess."),
    )


class LoginForm(FlaskForm):
    email = EmailField(_l("E-mail"), validators=[InputRequired(), Email()])
    password = PasswordField(_l("Password"), validators=[InputRequired()])


class RegisterForm(FlaskForm):
    legal_name = StringField(_l("Legal name (original script)"), validators=[InputRequired(), Length(max=300)])
    legal_name_latin = StringField(_l("Legal name (Latin letters)"), validators=[InputRequired(), Length(max=300)])
    country = StringField(
        _l("Country (ISO code, e.g. DE, US, CN)"),
        validators=[InputRequired(), Regexp(r"^[A-Za-z]{2}$", message=_l("Two letters, such as DE or CN."))],
    )
    kind = RadioField(
        _l("Your organisation"),
        choices=[
            ("rights_holder", _l("holds the IP rights (brand owner, publisher, software maker, patentee)")),
            ("agent", _l("acts for rights holders (law firm, brand-protection vendor)")),
        ],
        default="rights_holder",
        validators=[InputRequired()],
    )
    origin = RadioField(
        _l("Organisation is"),
        choices=[("foreign", _l("Foreign")), ("domestic", _l("Domestic (PRC)"))],
        default="foreign",
        validators=[InputRequired()],
    )
    registration_number = StringField(_l("Company registration number"), validators=[Length(max=100)])
    contact_email = EmailField(_l("Contact e-mail"), validators=[InputRequired(), Email()])
    language = SelectField(_l("Preferred language"), choices=[("en", "English"), ("zh", "中文")])
    timezone = timezone_field()
    email = EmailField(_l("Your e-mail (for signing in)"), validators=[InputRequired(), Email()])
    password = new_password_field(_l("Password"))
    confirm = PasswordField(
        _l("Repeat password"), validators=[EqualTo("password", message=_l("The passwords differ."))]
    )
    accept = BooleanField(_l("I am authorised to act for this organisation"), validators=[InputRequired()])


class PasswordForm(FlaskForm):
    current_password = PasswordField(_l("Current password"), validators=[InputRequired()])
    new_password = new_password_field(_l("New password"))


class ForgotPasswordForm(FlaskForm):
    email = EmailField(_l("Your e-mail"), validators=[InputRequired(), Email(), Length(max=254)])


class ResetPasswordForm(FlaskForm):
    password = new_password_field(_l("New password"))
    confirm = PasswordField(
        _l("Repeat the new password"), validators=[EqualTo("password", message=_l("The passwords differ."))]
    )


class AcceptInvitationForm(FlaskForm):
    name = StringField(_l("Your name"), validators=limits(Preferences, "name"))
    password = new_password_field(_l("Choose a password"))
    confirm = PasswordField(
        _l("Repeat the password"), validators=[EqualTo("password", message=_l("The passwords differ."))]
    )


class EmailChangeForm(FlaskForm):
    email = EmailField(_l("New e-mail address"), validators=[InputRequired(), Email(), Length(max=254)])
    password = PasswordField(_l("Your password"), validators=[InputRequired()])


class SecondFactorForm(FlaskForm):
    code = StringField(
        _l("Code"),
        validators=[InputRequired(), Length(max=20)],
        description=_l("The 6 digits your authenticator app shows now, or one of your recovery codes."),
    )


class TotpForm(FlaskForm):
    code = StringField(
        _l("The 6 digits the app shows"),
        validators=[InputRequired(), Regexp(r"^\s*\d{3}\s*\d{3}\s*$", message=_l("Six digits."))],
    )


class PasswordOnlyForm(FlaskForm):
    password = PasswordField(_l("Your password"), validators=[InputRequired()])


class TokenForm(FlaskForm):
    name = StringField(
        _l("Name"), validators=limits(TokenInput, "name"), description=_l("What will use it, such as your case system.")
    )
    scopes = MultiCheckboxField(_l("It may"), choices=[], validate_choice=False)
    days = SelectField(
        _l("Expires after"),
        choices=[(str(d), _l("%(num)d days", num=d)) for d in (7, 30, 90, 180, MAX_DAYS)],
        default=str(DEFAULT_DAYS),
    )


class PreferencesForm(FlaskForm):
    name = StringField(_l("Your name"), validators=limits(Preferences, "name"))
    language = SelectField(_l("Language"), choices=[("en", "English"), ("zh", "中文")])
    timezone = timezone_field()


class EmailChoicesForm(FlaskForm):
    email = MultiCheckboxField(_l("Also send me an e-mail for"), choices=[], validate_choice=False)


class LanguageForm(FlaskForm):
    language = SelectField(_l("Language"), choices=[("en", "English"), ("zh", "中文")])
