"""Loading input through a marshmallow schema, the same way for forms, JSON and the CLI."""

from collections.abc import Mapping

from marshmallow import EXCLUDE, RAISE, Schema, ValidationError, pre_load

from forum.errors import Invalid

# Only JSON's \ud800-\udfff escapes make a lone surrogate (forms and query strings arrive as
# UTF-8); it is not text, and encoding it for the database or a page fails.
LONE_SURROGATE = "Remove the unpaired surrogate character (\\ud800-\\udfff): it is not valid text."

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


def _invalid_text(text: str) -> str | None:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return LONE_SURROGATE
    return None


def _printable_key(key: object) -> str:
    return str(key).encode("utf-8", "backslashreplace").decode("utf-8")


def invalid_text(data: object) -> dict | list | None:
    """Messages for every key or string in `data` that is not valid text, keyed like `data`."""
    if isinstance(data, str):
        problem = _invalid_text(data)
        return [problem] if problem else None
    if isinstance(data, Mapping):
        errors = {}
        for key, value in data.items():
            problem = _invalid_text(key) if isinstance(key, str) else None
            found = [problem] if problem else invalid_text(value)
            if found:
                errors[_printable_key(key)] = found
        return errors or None
    if isinstance(data, list | tuple):
        # A list item's problem is its field's: members care about the field, not the position.
        return next((found for item in data if (found := invalid_text(item))), None)
    return None


class InputSchema(Schema):
    """The base of every schema: invalid text (a lone surrogate) is refused, naming its field.

    It runs inside the schema's own load, so forms, JSON, query strings, the CLI and
    flask-smorest's argument loading all get the same 4xx instead of a 500 further down.
    """

    @pre_load(pass_collection=True)
    def _refuse_invalid_text(self, data, **kwargs):
        problems = invalid_text(data)
        if problems:
            raise ValidationError(problems if isinstance(problems, dict) else {"_schema": problems})
        return data


class OutputSchema(Schema):
    """The base of a schema that only dumps answers (the API's shapes, insights responses):
    nothing is ever loaded through it, so it needs no input checks."""


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
