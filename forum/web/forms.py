"""Reading HTML form posts into the plain dicts that services validate with their schemas."""

from flask import request
from marshmallow import Schema, fields
from werkzeug.datastructures import MultiDict


def form_input(schema: Schema, form: MultiDict | None = None, *, blank_as_none=False) -> dict:
    """The posted fields the schema knows: lists for list fields, blanks left out.

    Leaving blanks out lets the schema say "required" for required fields and keeps
    optional ones unset, exactly as a JSON client that omits them. Forms that edit
    existing values pass `blank_as_none`, so choosing "not set" clears a value.
    """
    form = request.form if form is None else form
    data: dict = {}
    for name, field in schema.fields.items():
        key = field.data_key or name
        if isinstance(field, fields.List):
            values = [value for value in form.getlist(key) if value.strip()]
            if values or key in form:
                data[key] = values
        elif isinstance(field, fields.Nested):
            prefix = f"{key}."
            nested = {
                sub: form.get(prefix + sub)
                for sub in field.schema.fields
                if form.get(prefix + sub, "").strip()
            }
            if nested:
                data[key] = nested
        elif key in form and form.get(key, "").strip():
            data[key] = form.get(key)
        elif blank_as_none and key in form:
            data[key] = None
    return data


def is_safe_next(target: str | None) -> bool:
    """True for a path on this site; anything that could leave the site is refused."""
    if not target or not target.startswith("/") or target.startswith(("//", "/\\")):
        return False
    return not any(ord(ch) < 32 or ch == "\\" for ch in target)
