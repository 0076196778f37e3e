"""Helpers shared by the page forms."""

from __future__ import annotations

from types import UnionType
from typing import Annotated, Any, Union, get_args, get_origin

import annotated_types as at
from flask_babel import gettext as _
from flask_wtf import FlaskForm
from pydantic import BaseModel
from pydantic.fields import FieldInfo
from wtforms import SelectMultipleField, widgets
from wtforms.validators import InputRequired, Length, NumberRange, Optional, Regexp

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


def _constraints(annotation: Any) -> list[Any]:
    """Constraints inside an annotation, such as those of ``Money | None``."""
    if get_origin(annotation) is Annotated:
        base, *extra = get_args(annotation)
        found = _constraints(base)
        for item in extra:
            found += item.metadata if isinstance(item, FieldInfo) else [item]
        return found
    if get_origin(annotation) in (Union, UnionType):
        return [c for arg in get_args(annotation) for c in _constraints(arg)]
    return []


def limits(model: type[BaseModel], name: str, pattern_message: Any = None, required: bool | None = None) -> list[Any]:
    """The page's validators for a field, from the limits the API's model puts on it: a limit is written once.

    A field the model requires (or whose minimum length is 1) is required on the page too, unless
    ``required`` says otherwise for a page that asks differently.
    """
    info = model.model_fields[name]
    bounds: dict[str, Any] = {}
    for constraint in [*info.metadata, *_constraints(info.annotation)]:
        for key in ("min_length", "max_length", "ge", "le", "pattern"):
            value = getattr(constraint, key, None)
            if value is not None and not isinstance(constraint, at.Interval):
                bounds[key] = value
    if required is None:
        required = info.is_required() or bounds.get("min_length", 0) >= 1
    validators: list[Any] = [InputRequired() if required else Optional()]
    if "min_length" in bounds or "max_length" in bounds:
        validators.append(Length(min=bounds.get("min_length", -1), max=bounds.get("max_length", -1)))
    if "ge" in bounds or "le" in bounds:
        validators.append(NumberRange(min=bounds.get("ge"), max=bounds.get("le")))
    if "pattern" in bounds:
        validators.append(Regexp(bounds["pattern"], message=pattern_message))
    return validators


def most(model: type[BaseModel], name: str) -> int:
    """The largest number of items a list field takes."""
    return next(c.max_length for c in model.model_fields[name].metadata if getattr(c, "max_length", None))
