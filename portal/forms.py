"""Helpers shared by the page forms."""

from __future__ import annotations

from flask_babel import gettext as _
from flask_wtf import FlaskForm
from wtforms import SelectMultipleField, widgets

from portal.services.errors import DomainError


class MultiCheckboxField(SelectMultipleField):
    widget = widgets.ListWidget(prefix_label=False)
    option_widget = widgets.CheckboxInput()


def apply_errors(form: FlaskForm, exc: DomainError) -> None:
    """Show a service's field errors next to the fields, the rest above the form."""
    unplaced = []
    for name, message in exc.fields.items():
        field = getattr(form, name, None)
        if field is not None and hasattr(field, "errors"):
            field.errors = [*field.errors, _(message)]
        else:
            unplaced.append(_(message))
    form.form_errors.append(exc.translated(_))
    form.form_errors.extend(unplaced)
