"""What a notification says and where it leads: worked out when read, in plain words."""

from flask import url_for

from forum.notifications.queries import Item


def _title(item: Item) -> str:
    return f"“{item.title}”" if item.title else "your experience"


def _who(item: Item) -> str:
    return item.actor or "A former member"


def _with_reason(sentence: str, reason: str | None) -> str:
    if not reason:
        return f"{sentence}."
    return f"{sentence}: {reason}" + ("" if reason.rstrip().endswith((".", "!", "?")) else ".")


def text(item: Item) -> str:
    """The sentence a member reads (plain text: templates and the API escape it)."""
    title = _title(item)
    match item.kind:
        case "approved":
            return f"Your experience {title} was approved and is now public."
        case "rejected":
            sentence = _with_reason(f"Your experience {title} was not approved", item.reason)
            return f"{sentence} You can edit it and send it again."
        case "hidden" if item.reply_id is not None:
            return _with_reason(f"Your reply on {title} was hidden", item.reason)
        case "hidden":
            return _with_reason(f"Your experience {title} was hidden", item.reason)
        case "reply":
            return f"{_who(item)} replied on {title}."
        case "mention":
            return f"{_who(item)} mentioned you in a reply on {title}."
        case "me_too":
            people = "1 person" if item.me_too_count == 1 else f"{item.me_too_count} people"
            return f"{people} said “me too” on {title}."
        case "follow_up_approved":
            return f"Your follow-up on {title} was approved and is now public."
        case "suspended":
            until = item.until.strftime("%d %B %Y, %H:%M UTC") if item.until else "further notice"
            return _with_reason(f"Your account is suspended until {until}", item.reason)
    return "Something happened on the forum."


def link(item: Item) -> str | None:
    """Where the notification leads: the edit form for a rejection, else the story or reply."""
    if item.experience_id is None:
        return None
    if item.kind == "rejected":
        return url_for("experiences.edit", experience_id=item.experience_id)
    anchor = f"#reply-{item.reply_id}" if item.reply_id and item.kind != "hidden" else ""
    return url_for("experiences.detail", experience_id=item.experience_id) + anchor
