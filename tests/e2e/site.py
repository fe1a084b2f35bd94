"""The main pages, and a small community to fill them, for the accessibility and phone tests."""

from dataclasses import dataclass

DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}
PAGE_NAMES = [
    "home", "register", "sign-in", "experiences", "experience", "new-experience",
    "profile", "search", "insights", "moderation",
]  # fmt: skip
# Pages checked by axe-core as well, beyond the main ones.
OTHER_PAGE_NAMES = [
    "my-experiences", "edit-experience", "compare-groups", "moderation-log", "password",
    "delete-account", "edit-draft", "edit-reply", "notifications", "own-story", "delete-draft",
]  # fmt: skip
# Pages of answers over time (drafts, own replies, follow-ups), checked at phone width too.
OVER_TIME_PAGE_NAMES = ["my-experiences", "edit-draft", "edit-reply", "own-story", "delete-draft"]
SHOWCASE_PROFILE = {
    "onset": "sedentary",
    "condition": "both",
    "symptom": "fatigue",
    "age_band": "30s",
}
SHOWCASE_MEMBER = "showcase_member"
SHOWCASE_STORIES = [
    {
        "title": "Walking ten minutes after lunch, every day",
        "exercises": ["walking"],
        "outcome": "helped_a_lot",
        "minutes_per_session": 10,
        "sessions_per_week": 7,
        "weeks_tried": 26,
        "effects": {"pain": "better", "fatigue": "better", "sleep": "same"},
        "tags": ["pacing", "after-lunch"],
        "body": "I started with five minutes around the block and *only* added a minute a "
        "week.\n\n- rest before I felt tired\n- never two hard days in a row\n\n"
        "> Slow is still moving.",
    },
    {
        "title": "Tai chi classes at the community centre",
        "exercises": ["tai_chi", "qigong"],
        "outcome": "helped",
        "body": "A gentle class, seated for the first weeks. The teacher let me stop any time.",
    },
    {
        "title": "Swimming lengths set me back for days",
        "exercises": ["swimming"],
        "intensity": "moderate",
        "outcome": "worse",
        "flare": "next_day",
        "body": "Twenty lengths felt fine in the water, then I was in bed for two days after.",
    },
    {
        "title": "Morning stretching before getting up",
        "exercises": ["stretching", "walking"],
        "outcome": "helped",
        "body": "Ten slow stretches in bed, then a short walk to the letterbox and back.",
    },
]

# The showcase member's own story, followed up twice (the second waits for review).
OWN_STORY = {
    "title": "Seated tai chi, and how it went on",
    "exercises": ["tai_chi"],
    "weeks_tried": 4,
    "body": "Seated forms from a video, fifteen minutes, three mornings a week.",
}
STOPPED = {
    "still_doing": False,
    "stop_reason": "flare_ups",
    "outcome": "worse",
    "flare": "next_day",
    "body": "Month five: two flare-ups in a row, so I stopped for now.",
}


@dataclass(frozen=True)
class MainPage:
    """A page every member meets, with who looks at it (None: not signed in)."""

    name: str
    path: str
    user: str | None = None


def main_pages(showcase: dict) -> list[MainPage]:
    """The main pages, with the showcase's ids filled in."""
    experience = f"/experiences/{showcase['experience_id']}"
    return [
        MainPage("home", "/"),
        MainPage("register", "/register"),
        MainPage("sign-in", "/login"),
        MainPage("experiences", "/experiences"),
        MainPage("experience", experience, SHOWCASE_MEMBER),
        MainPage("new-experience", "/experiences/new", SHOWCASE_MEMBER),
        MainPage("profile", "/profile", SHOWCASE_MEMBER),
        MainPage("search", "/search?q=tai+chi", SHOWCASE_MEMBER),
        MainPage("insights", "/insights", SHOWCASE_MEMBER),
        MainPage("moderation", "/moderation", "mod_e2e"),
    ]


def other_pages(showcase: dict) -> list[MainPage]:
    """Pages fewer members meet, for the accessibility checks."""
    return [
        MainPage("my-experiences", "/experiences/mine", SHOWCASE_MEMBER),
        MainPage("edit-experience", f"/experiences/{showcase['pending_id']}/edit", SHOWCASE_MEMBER),
        MainPage("compare-groups", "/insights/compare?a_onset=sedentary&b_onset=injury"),
        MainPage("moderation-log", "/moderation/log", "mod_e2e"),
        MainPage("password", "/profile/password", SHOWCASE_MEMBER),
        MainPage("delete-account", "/profile/delete", SHOWCASE_MEMBER),
        MainPage("edit-draft", f"/experiences/{showcase['draft_id']}/edit", SHOWCASE_MEMBER),
        MainPage("edit-reply", f"/replies/{showcase['reply_id']}/edit", SHOWCASE_MEMBER),
        MainPage("notifications", "/notifications", SHOWCASE_MEMBER),
        # Its author's view: the timeline, a follow-up still waiting, the follow-up form.
        MainPage("own-story", f"/experiences/{showcase['own_story_id']}", SHOWCASE_MEMBER),
        MainPage("delete-draft", f"/experiences/{showcase['draft_id']}/delete", SHOWCASE_MEMBER),
    ]


def seed_showcase(api) -> dict:
    """Published stories for one group, replies and a "me too", the member's own story with a
    follow-up published and one waiting, one story waiting for review, and an unfinished draft."""
    member = api.member(SHOWCASE_MEMBER, **SHOWCASE_PROFILE)
    peers = [api.member(f"showcase_peer{n}", **SHOWCASE_PROFILE) for n in range(3)]
    ids = []
    for number, story in enumerate(SHOWCASE_STORIES):
        for peer in peers:
            ids.append(api.publish(peer, **story)["id"])
        if number == 0:
            reply_id = api.reply(
                member, ids[0], "Thank you. The *one minute a week* idea is what I needed."
            )["id"]
            api.reply(peers[1], ids[0], "Same here; pacing made all the difference.")
            api.call("POST", f"/experiences/{ids[0]}/me-too", token=member)
    own_story = api.publish(member, **OWN_STORY)
    going_on = api.follow_up(
        member, own_story["id"], approve=False, body="Still going: *twice* a week now."
    )
    api.follow_up(member, own_story["id"], approve=False, **STOPPED)
    pending = api.post(member, title="Chair yoga on bad days", body="Seated yoga, ten minutes.")
    draft = api.draft(member, title="Pool walking, half written", exercises=["aquatic_therapy"])
    # Approved last: this third approval makes the member trusted, and all that should still
    # wait for review was sent before it.
    api.approve_follow_up(going_on["id"])
    return {
        "experience_id": ids[0],
        "pending_id": pending["id"],
        "draft_id": draft["id"],
        "reply_id": reply_id,
        "own_story_id": own_story["id"],
    }
