"""The group input ("people like me") and the two-group comparison, for page, API and CLI."""

from marshmallow import ValidationError, fields, validate

from forum.auth.schemas import vocabulary_choice
from forum.errors import Invalid
from forum.validation import InputSchema, load
from forum.vocabulary import AGE_BAND, CONDITION, ONSET, PROFILE_FIELDS, SYMPTOM

GROUP_FIELDS = tuple(PROFILE_FIELDS)
# Written instead of a group in compare URLs to mean every member.
EVERYONE = "everyone"


class GroupSchema(InputSchema):
    """A group of members: any combination of onset, condition, symptom and age band."""

    onset = vocabulary_choice(ONSET)
    condition = vocabulary_choice(CONDITION)
    symptom = vocabulary_choice(SYMPTOM)
    age_band = vocabulary_choice(AGE_BAND)


def detail_field() -> fields.String:
    """`detail=intensity` asks for the breakdown of each exercise by intensity."""
    return fields.String(
        validate=validate.OneOf(["intensity"], error="The only detail offered is intensity.")
    )


class InsightsQuerySchema(GroupSchema):
    """The group, plus the opt-in detail."""

    detail = detail_field()


class GroupSpec(fields.String):
    """A group written as comma-separated field:key pairs, e.g. onset:injury,condition:both."""

    def _deserialize(self, value, attr, data, **kwargs):
        text = super()._deserialize(value, attr, data, **kwargs).strip()
        if text == EVERYONE:
            return {}
        raw: dict[str, str] = {}
        for pair in text.split(","):
            name, separator, key = (part.strip() for part in pair.partition(":"))
            if not separator or not name or not key:
                raise ValidationError(f"Write the group as field:key pairs, not {pair[:40]!r}.")
            if name not in GROUP_FIELDS:
                raise ValidationError(f"Group by {', '.join(GROUP_FIELDS)}, not {name[:40]!r}.")
            if name in raw:
                raise ValidationError(f"Give {name} only once.")
            raw[name] = key
        try:
            return load(GroupSchema(), raw)
        except Invalid as error:
            raise ValidationError(
                [f"{name}: {' '.join(messages)}" for name, messages in error.fields.items()]
            ) from None


class CompareSchema(InputSchema):
    """Two groups side by side: `a` and `b`, each a GroupSpec."""

    a = GroupSpec(required=True)
    b = GroupSpec(required=True)
    detail = detail_field()
