"""Input schemas for accounts; forms, the JSON API and the CLI all load through these."""

from marshmallow import fields, pre_load, validate

from forum.clock import isoformat
from forum.fields import OnsetDetailRule, ProfileAnswers, vocabulary_choice
from forum.notifications.schemas import MailChoicesSchema
from forum.notifications.service import mail_choices, settings_of
from forum.validation import InputSchema
from forum.vocabulary import ROLE, VISIBILITY

# \Z, not $: "$" also matches before a trailing newline, which would let "maple\n" in.
USERNAME_PATTERN = r"\A[A-Za-z0-9_-]{3,30}\Z"
PASSWORD_MIN_LENGTH = 10
# scrypt is costly on purpose; a cap keeps one request from buying minutes of CPU.
PASSWORD_MAX_LENGTH = 1000

username_field = fields.String(
    required=True,
    validate=validate.Regexp(
        USERNAME_PATTERN,
        error="Use 3 to 30 letters, digits, hyphens or underscores.",
    ),
)


def new_password_field() -> fields.String:
    """A password being chosen (registration, a change, a reset): long enough, not endless."""
    return fields.String(
        required=True,
        load_only=True,
        validate=validate.Length(
            min=PASSWORD_MIN_LENGTH,
            max=PASSWORD_MAX_LENGTH,
            error="Use at least {min} characters (and at most {max}).",
        ),
    )


class RegistrationSchema(InputSchema):
    username = username_field
    email = fields.Email(
        required=True,
        validate=validate.Length(max=254),
        error_messages={"invalid": "Enter a valid e-mail address."},
    )
    password = new_password_field()

    @pre_load
    def normalise_email(self, data, **kwargs):
        if isinstance(data, dict) and isinstance(data.get("email"), str):
            data = {**data, "email": data["email"].strip().lower()}
        return data


class CredentialsSchema(InputSchema):
    username = fields.String(
        required=True,
        validate=[
            validate.Length(min=1, max=100),
            # No username has them, and PostgreSQL refuses a NUL in a query parameter.
            validate.Regexp(
                r"\A[^\x00-\x1f\x7f]*\Z", error="Usernames have no control characters."
            ),
        ],
    )
    password = fields.String(
        required=True, load_only=True, validate=validate.Length(min=1, max=PASSWORD_MAX_LENGTH)
    )


class LoginFormSchema(CredentialsSchema):
    remember = fields.Boolean(load_default=False)


def email_field(**options) -> fields.Email:
    return fields.Email(
        validate=validate.Length(max=254),
        error_messages={"invalid": "Enter a valid e-mail address."},
        **options,
    )


def _lower_email(data):
    if isinstance(data, dict) and isinstance(data.get("email"), str):
        data = {**data, "email": data["email"].strip().lower()}
    return data


class PasswordResetRequestSchema(InputSchema):
    """The address a "forgot password" request names (known or not: the answer is the same)."""

    email = email_field(required=True)

    @pre_load
    def normalise_email(self, data, **kwargs):
        return _lower_email(data)


class PasswordResetFormSchema(InputSchema):
    """The reset page's form (the token is in its address)."""

    password = new_password_field()


class PasswordResetSchema(PasswordResetFormSchema):
    """The API's reset: the token from the mailed link, and the new password."""

    token = fields.String(required=True, validate=validate.Length(min=1, max=1000))


class EmailChangeSchema(InputSchema):
    """A new address (the profile page); unverified until the link mailed to it is opened."""

    email = email_field(required=True)

    @pre_load
    def normalise_email(self, data, **kwargs):
        return _lower_email(data)


class ProfileSchema(OnsetDetailRule, ProfileAnswers, InputSchema):
    """A member's profile answers (null clears one) and settings."""

    # What new experiences start with (each can be changed on the story itself).
    default_visibility = vocabulary_choice(VISIBILITY)
    default_share_profile = fields.Boolean()
    # Notification settings (forum/notifications): kind → off | now | daily; watch on reply.
    mail = fields.Nested(MailChoicesSchema)
    watch_replies = fields.Boolean()

    @pre_load
    def blank_means_unset(self, data, **kwargs):
        if isinstance(data, dict):
            return {key: (None if value == "" else value) for key, value in data.items()}
        return data


class NewUserSchema(RegistrationSchema):
    """What an administrator gives `flask forum create-user`."""

    role = vocabulary_choice(ROLE, load_default="member")


class UserSchema(ProfileAnswers, InputSchema):
    """A member as the API shows them, with their profile answers; the e-mail address only to
    the member themself."""

    id = fields.Integer()
    username = fields.String()
    role = fields.String()
    created_at = fields.Function(lambda user: isoformat(user.created_at))


class OwnUserSchema(UserSchema):
    email = fields.String()
    default_visibility = fields.String()
    default_share_profile = fields.Boolean()
    email_verified = fields.Function(lambda user: user.email_verified_at is not None)
    suspended_until = fields.Function(
        lambda user: isoformat(user.suspended_until) if user.is_suspended() else None
    )
    mail = fields.Function(mail_choices)
    watch_replies = fields.Function(lambda user: settings_of(user).watch_replies)
