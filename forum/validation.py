"""Loading input through a marshmallow schema, the same way for forms, JSON and the CLI."""

from collections.abc import Mapping

from marshmallow import EXCLUDE, RAISE, Schema, ValidationError

from forum.errors import Invalid

_FRIENDLIER = {
    "Missing data for required field.": "This field is required.",
    "Field may not be null.": "This field is required.",
    "Not a valid integer.": "Enter a whole number.",
    "Not a valid string.": "Enter text.",
}


def flatten_messages(messages: Mapping | list | str, prefix: str = "") -> dict[str, list[str]]:
    """Turn marshmallow's nested messages into {"field": ["message", ...]}."""
    flat: dict[str, list[str]] = {}
    if isinstance(messages, str):
        flat.setdefault(prefix or "_schema", []).append(_FRIENDLIER.get(messages, messages))
    elif isinstance(messages, list):
        for message in messages:
            for key, values in flatten_messages(message, prefix).items():
                flat.setdefault(key, []).extend(values)
    else:
        for key, value in messages.items():
            # List items report their index; members care about the field, not the position.
            name = prefix if isinstance(key, int) else (f"{prefix}.{key}" if prefix else str(key))
            for field, values in flatten_messages(value, name).items():
                bucket = flat.setdefault(field, [])
                bucket.extend(v for v in values if v not in bucket)
    return flat


def load(schema: Schema, data: object, *, from_form: bool = False, partial: bool = False) -> dict:
    """Validate and convert `data`; raise Invalid with per-field messages when it is wrong.

    Forms send fields the schema does not know (the CSRF token, buttons), so those are
    dropped; JSON and the CLI must not send unknown fields, so those are refused.
    """
    try:
        return schema.load(data, unknown=EXCLUDE if from_form else RAISE, partial=partial)
    except ValidationError as error:
        raise Invalid(
            "Some fields need attention.", fields=flatten_messages(error.messages)
        ) from None
