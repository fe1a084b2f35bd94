"""Input schemas for a member's own account: changing the password, deleting the account."""

from marshmallow import ValidationError, fields, validate, validates_schema

from forum.auth.schemas import PASSWORD_MAX_LENGTH, new_password_field
from forum.validation import InputSchema

# What happens to a departing member's experiences (the contract's keys).
EXPERIENCE_CHOICES = {
    "delete": "Delete them, with my replies",
    "anonymize": "Keep them for others to learn from, without my name (my replies too)",
}


class PasswordChangeSchema(InputSchema):
    current_password = fields.String(
        required=True, load_only=True, validate=validate.Length(min=1, max=PASSWORD_MAX_LENGTH)
    )
    new_password = new_password_field()


class PasswordChangeFormSchema(PasswordChangeSchema):
    """The page asks twice: with no e-mail reset, a mistyped new password would lock one out."""

    new_password_again = fields.String(required=True, load_only=True)

    @validates_schema
    def same_twice(self, data, **kwargs):
        if "new_password" in data and data.get("new_password_again") != data["new_password"]:
            raise ValidationError("The two new passwords are not the same.", "new_password_again")


class AccountDeletionSchema(InputSchema):
    """The password confirms it is really the member (not a borrowed browser or a lost token)."""

    experiences = fields.String(
        required=True,
        validate=validate.OneOf(
            list(EXPERIENCE_CHOICES), error="Choose one of: " + ", ".join(EXPERIENCE_CHOICES) + "."
        ),
    )
    password = fields.String(
        required=True, load_only=True, validate=validate.Length(min=1, max=PASSWORD_MAX_LENGTH)
    )
