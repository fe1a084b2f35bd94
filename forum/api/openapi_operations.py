"""Every /api/v1 operation as a row: who may call it, what it reads, what it answers.

Paths and path parameters come from the app's URL map (by endpoint name), inputs from the
schemas the views load with, outputs from forum/api/openapi_shapes.py. The errors a row
implies (400 for a query or body, 401 for a token, 404 for a path id...) are added by
openapi.py; `errors` lists the others.
"""

from dataclasses import dataclass

from marshmallow import Schema

from forum.api import openapi_shapes as out
from forum.api import openapi_summaries as reports
from forum.auth.privacy_schemas import AccountDeletionSchema, PasswordChangeSchema
from forum.auth.schemas import CredentialsSchema, ProfileSchema, RegistrationSchema
from forum.experiences.queries import ListQuerySchema, PageQuerySchema
from forum.experiences.schemas import ExperienceInputSchema, ReplyInputSchema
from forum.insights.schemas import CompareSchema, InsightsQuerySchema
from forum.moderation.schemas import (
    DecisionSchema,
    FlagSchema,
    LogArgsSchema,
    QueueArgsSchema,
    ReplyDecisionSchema,
    RoleSchema,
    SuspensionSchema,
    UnsuspensionSchema,
)
from forum.search.schemas import SearchQuerySchema

# Who may call: anyone; anyone, a token showing more; a member's token; a moderator's token.
ANYONE, OPTIONAL, MEMBER, MODERATOR = "anyone", "optional", "member", "moderator"


@dataclass(frozen=True)
class Operation:
    endpoint: str
    summary: str
    tag: str
    auth: str = ANYONE
    query: type[Schema] | None = None
    body: Schema | type[Schema] | None = None
    body_required: bool = True
    status: int = 200
    response: type[Schema] | None = None
    errors: tuple[int, ...] = ()
    limited: bool = False
    description: str = ""


# One call per row, wrapped by hand, so the table reads as a table.
# fmt: off
OPERATIONS = (
    Operation(
        "api_accounts.register", "Create a member account", "accounts",
        body=RegistrationSchema, status=201, response=out.UserEnvelopeShape,
        errors=(409,), limited=True,
    ),
    Operation(
        "api_accounts.create_token", "Get a bearer token for a username and password",
        "accounts", body=CredentialsSchema, status=201, response=out.TokenShape,
        errors=(401,), limited=True,
    ),
    Operation(
        "api_accounts.revoke_current_token", "Revoke the token this request uses", "accounts",
        auth=MEMBER, status=204,
    ),
    Operation(
        "api_accounts.me", "The caller's own profile", "accounts", auth=MEMBER,
        response=out.OwnUserShape,
    ),
    Operation(
        "api_accounts.update_me", "Change the caller's profile (null clears a field)",
        "accounts", auth=MEMBER, body=ProfileSchema(partial=True), response=out.OwnUserShape,
    ),
    Operation(
        "api_accounts.taxonomy", "Every vocabulary list, with keys and labels", "accounts",
        response=out.TaxonomyShape,
    ),
    Operation(
        "api_privacy.export", "All of the caller's data", "privacy", auth=MEMBER,
        response=reports.ExportShape, limited=True,
    ),
    Operation(
        "api_privacy.change_password", "Change the password; every token is revoked",
        "privacy", auth=MEMBER, body=PasswordChangeSchema, status=204, limited=True,
    ),
    Operation(
        "api_privacy.delete_account", "Delete the caller's account", "privacy", auth=MEMBER,
        body=AccountDeletionSchema, body_required=False, status=204, limited=True,
        description="The body says what becomes of the member's experiences and replies; "
        "without one the answer is 422.",
    ),
    Operation(
        "api_experiences.list_experiences", "Published experiences, filtered and paged",
        "experiences", query=ListQuerySchema, response=out.ExperiencePageShape,
    ),
    Operation(
        "api_experiences.create_experience", "Post an experience", "experiences",
        auth=MEMBER, body=ExperienceInputSchema, status=201, response=out.ExperienceShape,
        errors=(403,), limited=True,
        description="Pending review unless the author is trusted; profile fields left out "
        "are copied from the author's profile.",
    ),
    Operation(
        "api_experiences.get_experience", "One experience", "experiences", auth=OPTIONAL,
        response=out.ExperienceShape,
        description="Published ones for anyone; the author and moderators also see the "
        "author's pending, rejected and hidden ones. 404 for anything else.",
    ),
    Operation(
        "api_experiences.update_experience", "Edit an experience (the history is kept)",
        "experiences", auth=MEMBER, body=ExperienceInputSchema(partial=True),
        response=out.ExperienceShape, errors=(403, 409),
    ),
    Operation(
        "api_experiences.delete_experience", "Delete an experience", "experiences",
        auth=MEMBER, status=204, errors=(403, 409),
    ),
    Operation(
        "api_experiences.list_replies", "Published replies, oldest first", "experiences",
        auth=OPTIONAL, query=PageQuerySchema, response=out.ReplyPageShape,
    ),
    Operation(
        "api_experiences.create_reply", "Reply to a published experience", "experiences",
        auth=MEMBER, body=ReplyInputSchema, status=201, response=out.ReplyShape,
        errors=(403,), limited=True,
    ),
    Operation(
        "api_experiences.mark_me_too", "Mark: this matches my experience", "experiences",
        auth=MEMBER, response=out.MeTooShape, errors=(403,),
    ),
    Operation(
        "api_experiences.unmark_me_too", "Take back a me-too mark", "experiences",
        auth=MEMBER, response=out.MeTooShape, errors=(403,),
    ),
    Operation(
        "api_moderation.flag_experience", "Flag an experience for moderators", "flags",
        auth=MEMBER, body=FlagSchema, status=201, response=out.FlagEnvelopeShape,
        errors=(403, 409), limited=True,
    ),
    Operation(
        "api_moderation.flag_reply", "Flag a reply for moderators", "flags", auth=MEMBER,
        body=FlagSchema, status=201, response=out.FlagEnvelopeShape, errors=(403, 409),
        limited=True,
    ),
    Operation(
        "api_search.search_experiences", "Search published experiences", "search",
        query=SearchQuerySchema, response=reports.SearchResultsShape,
    ),
    Operation(
        "api_insights.insights", "What worked for people like me, beside everyone",
        "insights", query=InsightsQuerySchema, response=reports.InsightsShape,
    ),
    Operation(
        "api_insights.compare", "Two groups side by side", "insights", query=CompareSchema,
        response=reports.ComparisonShape,
        description="Each group is `everyone` or comma-separated field:key pairs, "
        "e.g. `onset:injury,condition:both`.",
    ),
    Operation(
        "api_moderation.queue", "Items waiting for a decision, oldest first", "moderation",
        auth=MODERATOR, query=QueueArgsSchema, response=out.QueuePageShape,
    ),
    Operation(
        "api_moderation.decide", "Decide on an experience", "moderation", auth=MODERATOR,
        body=DecisionSchema, response=out.ModeratedExperienceShape, errors=(409,),
        description="A reason is required to reject or hide. With `version`, a decision on "
        "a version that has since changed is refused (409).",
    ),
    Operation(
        "api_moderation.decide_reply", "Decide on a reply", "moderation", auth=MODERATOR,
        body=ReplyDecisionSchema, response=out.ModeratedReplyShape, errors=(409,),
    ),
    Operation(
        "api_moderation.log", "Every moderation action: who, what, when, why", "moderation",
        auth=MODERATOR, query=LogArgsSchema, response=out.LogPageShape,
    ),
    Operation(
        "api_moderation.suspend", "Suspend a member: they can read, not write", "moderation",
        auth=MODERATOR, body=SuspensionSchema, response=out.StandingEnvelopeShape,
    ),
    Operation(
        "api_moderation.unsuspend", "Lift a suspension", "moderation", auth=MODERATOR,
        body=UnsuspensionSchema, body_required=False, response=out.StandingEnvelopeShape,
        errors=(409,),
    ),
    Operation(
        "api_moderation.set_role", "Change a member's role (admins only)", "moderation",
        auth=MODERATOR, body=RoleSchema, response=out.StandingEnvelopeShape, errors=(409,),
    ),
)
# fmt: on
