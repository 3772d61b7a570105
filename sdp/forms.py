"""What every web form shares: the one rule on stored text (``sdp.domain.text``), on every text
field of every form, without each field having to remember it.

Forms derive from ``GuardedForm`` (a page's form, with its CSRF token) or ``GuardedSubForm`` (a
part of one, inside a ``FormField``). WTForms combines the ``Meta`` classes of a form's bases,
so the guard's ``bind_field`` runs for every field, including those of forms added later.
"""

from flask_babel import gettext
from flask_wtf import FlaskForm
from wtforms import FieldList, Form, FormField, StringField
from wtforms.validators import ValidationError

from .domain.text import LONE_SURROGATE, NUL, text_fault


def storable_text(form, field) -> None:
    """A text the database can store: no NUL character, no lone surrogate."""
    fault = text_fault(field.data) if isinstance(field.data, str) else None
    if fault == NUL:
        raise ValidationError(
            gettext("This text contains a NUL character, which cannot be stored. Remove it.")
        )
    if fault == LONE_SURROGATE:
        raise ValidationError(
            gettext("This text contains a character that cannot be stored. Remove it.")
        )


class TextGuardMeta:
    def bind_field(self, form, unbound_field, options):
        field = super().bind_field(form, unbound_field, options)
        # TextAreaField, HiddenField, EmailField, PasswordField... are all StringFields. A new list
        # per bound field: the class's list of validators is shared by every instance.
        if isinstance(field, StringField):
            field.validators = [*field.validators, storable_text]
        return field


class GuardedForm(FlaskForm):
    class Meta(TextGuardMeta):
        pass


class GuardedSubForm(Form):
    class Meta(TextGuardMeta):
        pass


def field_at(form, path: str):
    """The field an API-style dotted path names on a form (``applicant.date_of_birth``,
    ``dependants.0.date_of_birth``), or None: services name fields as the API does, and the page
    shows their errors beside the same field."""
    current = form
    for part in path.split("."):
        if isinstance(current, FormField):
            current = current.form
        if isinstance(current, FieldList):
            if not part.isdigit() or int(part) >= len(current.entries):
                return None
            current = current.entries[int(part)]
            continue
        current = getattr(current, part, None)
        if current is None:
            return None
    return (
        current
        if hasattr(current, "errors") and not isinstance(current, (FormField, FieldList))
        else None
    )
