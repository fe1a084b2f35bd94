"""Moderation input schemas (pages, API and CLI alike) and the log's output shape."""

from types import MappingProxyType

from marshmallow import fields, validate, validates_schema
from marshmallow.exceptions import ValidationError

from forum.auth.schemas import USERNAME_PATTERN
from forum.clock import isoformat
from forum.fields import CleanText, WholeNumber, vocabulary_choice
from forum.validation import InputSchema
from forum.vocabulary import FLAG_REASON, ROLE

# Why a moderator rejects or hides something: the flag reasons plus "off topic".
DECISION_REASON = MappingProxyType(
    {
        "spam": "Spam or advertising",
        "misinformation": "Harmful medical misinformation",
        "harassment": "Harassment",
        "personal_info": "Personal information",
        "off_topic": "Off-topic",
        "other": "Something else",
    }
)
EXPERIENCE_ACTIONS = MappingProxyType(
    {
        "approve": "Approve",
        "reject": "Reject",
        "hide": "Hide",
        "restore": "Restore",
        "dismiss": "Keep published, dismiss the flags",
    }
)
REPLY_ACTIONS = ("approve", "reject", "hide", "restore", "dismiss")
NEEDS_REASON = ("reject", "hide")
# Every action the audit log records, with the words the log page uses.
LOG_ACTIONS = MappingProxyType(
    {
        "approve": "Approved",
        "reject": "Rejected",
        "hide": "Hidden",
        "restore": "Restored",
        "dismiss": "Flags dismissed",
        "auto_hide": "Hidden automatically by flags",
        "suspend": "Suspended",
        "unsuspend": "Suspension lifted",
        "role_change": "Role changed",
        "edit": "Edited by a moderator",
        "delete": "Deleted by a moderator",
    }
)
TARGET_TYPES = ("experience", "reply", "user", "follow_up")
QUEUE_KINDS = MappingProxyType(
    {"pending": "Waiting for review", "flagged": "Flagged", "flagged_replies": "Flagged replies"}
)
NOTE_MAX = 1000
SUSPENSION_REASON_MAX = 500
MAX_SUSPENSION_DAYS = 3650

note_field = CleanText(
    allow_none=True,
    validate=validate.Length(max=NOTE_MAX, error=f"Keep the note under {NOTE_MAX} characters."),
)


class DecisionSchema(InputSchema):
    """A moderator's decision on an experience; `version` is the one the moderator looked at."""

    action = vocabulary_choice(EXPERIENCE_ACTIONS, required=True)
    reason = vocabulary_choice(DECISION_REASON, allow_none=True)
    note = note_field
    version = WholeNumber(allow_none=True, validate=validate.Range(min=1))

    @validates_schema
    def reason_when_needed(self, data, **kwargs):
        if data.get("action") in NEEDS_REASON and not data.get("reason"):
            raise ValidationError("Choose a reason; the author is told it.", "reason")


class FollowUpDecisionSchema(DecisionSchema):
    """A moderator's decision on a follow-up: approve, reject, hide or restore (no version)."""

    class Meta:
        exclude = ("version",)


class ReplyDecisionSchema(DecisionSchema):
    """Replies are approved, rejected, hidden, restored or cleared of flags; no version."""

    action = vocabulary_choice(
        {key: EXPERIENCE_ACTIONS[key] for key in REPLY_ACTIONS}, required=True
    )

    class Meta:
        exclude = ("version",)


class FlagSchema(InputSchema):
    """A member's report of an experience or a reply."""

    reason = vocabulary_choice(FLAG_REASON, required=True)
    note = note_field


class SuspensionSchema(InputSchema):
    days = WholeNumber(
        required=True,
        validate=validate.Range(
            1, MAX_SUSPENSION_DAYS, error=f"Enter a number of days from 1 to {MAX_SUSPENSION_DAYS}."
        ),
    )
    reason = CleanText(
        required=True,
        validate=validate.Length(
            1,
            SUSPENSION_REASON_MAX,
            error=f"Say why in 1 to {SUSPENSION_REASON_MAX} characters; the member reads it.",
        ),
    )


class UnsuspensionSchema(InputSchema):
    note = note_field


class RoleSchema(InputSchema):
    role = vocabulary_choice(ROLE, required=True)


class QueueArgsSchema(InputSchema):
    kind = vocabulary_choice(QUEUE_KINDS, load_default="pending")
    page = WholeNumber(load_default=1, validate=validate.Range(min=1, max=100000))
    per_page = WholeNumber(load_default=20, validate=validate.Range(1, 100))


class LogArgsSchema(InputSchema):
    action = vocabulary_choice(LOG_ACTIONS)
    actor = fields.String(validate=validate.Regexp(USERNAME_PATTERN + "|^system$"))
    member = fields.String(validate=validate.Regexp(USERNAME_PATTERN))
    target_type = fields.String(validate=validate.OneOf(TARGET_TYPES))
    target_id = WholeNumber(validate=validate.Range(1, 2**31 - 1))
    page = WholeNumber(load_default=1, validate=validate.Range(min=1, max=100000))
    per_page = WholeNumber(load_default=50, validate=validate.Range(1, 100))


def _username(user) -> dict | None:
    return None if user is None else {"username": user.username}


class ModerationActionSchema(InputSchema):
    """One audit-log row as the API shows it."""

    id = fields.Integer()
    action = fields.String()
    actor = fields.Function(lambda row: _username(row.actor))
    target = fields.Function(lambda row: {"type": row.target_type, "id": row.target_id})
    subject = fields.Function(lambda row: _username(row.subject))
    reason = fields.String(allow_none=True)
    note = fields.String(allow_none=True)
    created_at = fields.Function(lambda row: isoformat(row.created_at))


class MemberStandingSchema(InputSchema):
    """A member as moderators see them: role and suspension, never the e-mail address."""

    username = fields.String()
    role = fields.String()
    suspended_until = fields.Function(
        lambda user: isoformat(user.suspended_until) if user.is_suspended() else None
    )
    suspension_reason = fields.Function(
        lambda user: user.suspension_reason if user.is_suspended() else None
    )
    created_at = fields.Function(lambda user: isoformat(user.created_at))


class FlagOutputSchema(InputSchema):
    id = fields.Integer()
    experience_id = fields.Integer(allow_none=True)
    reply_id = fields.Integer(allow_none=True)
    reason = fields.String()
    note = fields.String(allow_none=True)
    created_at = fields.Function(lambda flag: isoformat(flag.created_at))
