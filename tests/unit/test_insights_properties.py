"""The insights numbers equal a brute-force count over the database, for random data and groups.

Hypothesis draws communities (every status, unset profile fields, several exercise types per
experience) and groups. The rebuild path is checked on a fresh summary for every community;
the incremental path after random edits, each recorded in the outbox as the services do.
"""

from contextlib import contextmanager
from datetime import datetime, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import delete, insert, select
from sqlalchemy.orm import selectinload

from forum.clock import utcnow
from forum.extensions import db
from forum.insights import service
from forum.insights.stats import wilson_interval
from forum.models import Experience, ExperienceExercise, SearchChange
from forum.vocabulary import EXERCISE, FLARE, INSIGHTS_FIELDS, INTENSITY, OUTCOME
from tests.conftest import serving
from tests.factories import UserFactory

# The counting, with threshold-only suppression (the protection: test_insights_attacker.py).
pytestmark = pytest.mark.usefixtures("counting_only")


MIN_REPORTS = 3
# A few keys per field, so that groups are neither empty nor everyone.
VALUES = {name: [*list(vocabulary)[:2], None] for name, vocabulary in INSIGHTS_FIELDS.items()}
EXERCISES = ["walking", "yoga", "qigong", "hiit"]
STATUSES = ["published", "published", "published", "pending", "hidden", "rejected", "deleted"]

experiences = st.fixed_dictionaries(
    {
        "status": st.sampled_from(STATUSES),
        **{name: st.sampled_from(values) for name, values in VALUES.items()},
        "intensity": st.sampled_from(list(INTENSITY)),
        "outcome": st.sampled_from(list(OUTCOME)),
        "flare": st.sampled_from(list(FLARE)),
        "exercises": st.lists(st.sampled_from(EXERCISES), min_size=1, max_size=3, unique=True),
        # A few members (None: an anonymized story), so that people post several times.
        "author": st.sampled_from([0, 1, 2, 3, 4, None]),
        "minutes_ago": st.integers(min_value=0, max_value=3),
    }
)
groups = st.fixed_dictionaries(
    {},
    optional={name: st.sampled_from(values[:2]) for name, values in VALUES.items()},
)
SETTINGS = settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


def store(community: list[dict]) -> None:
    """Replace every experience with `community`, recording each change in the outbox."""
    old_ids = list(db.session.scalars(select(Experience.id)))
    db.session.execute(delete(ExperienceExercise))
    db.session.execute(delete(Experience))
    now = utcnow()
    authors = [UserFactory().id for _ in range(5)]
    for item in community:
        fields = {k: v for k, v in item.items() if k not in ("exercises", "author", "minutes_ago")}
        published = now - timedelta(minutes=item["minutes_ago"])
        experience_id = db.session.execute(
            insert(Experience).values(
                title="A generated experience",
                body="Generated for the brute-force comparison.",
                body_html="<p>Generated.</p>",
                author_id=None if item["author"] is None else authors[item["author"]],
                main_exercise=item["exercises"][0],
                created_at=now,
                updated_at=now,
                submitted_at=now,
                published_at=published if item["status"] == "published" else None,
                **fields,
            )
        ).inserted_primary_key[0]
        for position, exercise in enumerate(item["exercises"]):
            db.session.add(
                ExperienceExercise(
                    experience_id=experience_id, exercise=exercise, position=position
                )
            )
        db.session.add(SearchChange(experience_id=experience_id))
    for old_id in old_ids:
        db.session.add(SearchChange(experience_id=old_id))
    db.session.commit()


@contextmanager
def community_app(tmp_path_factory):
    """A fresh app per Hypothesis example; its connections are closed afterwards."""
    path = tmp_path_factory.mktemp("insights")
    with serving(path, INSIGHTS_MIN_REPORTS=MIN_REPORTS) as app, app.app_context():
        yield


def empty() -> dict:
    return {"flared": 0, "reports": 0, **dict.fromkeys(OUTCOME, 0)}


def brute_force(group: dict, outside: bool = False) -> tuple[int, dict, dict]:
    """(people, {exercise: counts}, {(exercise, intensity): counts}) counted in Python: each
    person's newest story per main exercise among those in (or outside) the group's filters."""
    everything = db.session.scalars(
        select(Experience).options(selectinload(Experience.exercise_rows))
    ).all()
    chosen = [
        experience
        for experience in everything
        if experience.status == "published"
        and all(getattr(experience, name) == key for name, key in group.items()) != outside
    ]
    person = {e.id: e.author_id if e.author_id is not None else -e.id for e in chosen}
    latest: dict = {}
    per_exercise: dict = {}
    per_cell: dict = {}
    # A story published by a direct edit has no time: it counts as the oldest, as in the app.
    for experience in sorted(chosen, key=lambda e: (e.published_at or datetime.min, e.id)):
        latest[(person[experience.id], experience.exercises[0])] = experience
        per_exercise.setdefault(experience.exercises[0], empty())["reports"] += 1
        per_cell.setdefault((experience.exercises[0], experience.intensity), empty())[
            "reports"
        ] += 1
    for (_, exercise), experience in latest.items():
        for bucket in (per_exercise[exercise], per_cell[(exercise, experience.intensity)]):
            bucket[experience.outcome] += 1
            bucket["flared"] += experience.flare != "none"
    per_cell = {key: counts for key, counts in per_cell.items() if people(counts)}
    return len(set(person.values())), per_exercise, per_cell


def people(counts: dict) -> int:
    return sum(counts[outcome] for outcome in OUTCOME)


def helped(counts: dict) -> int:
    return counts["helped"] + counts["helped_a_lot"]


def check_numbers(numbers: dict, counts: dict) -> None:
    total = people(counts)
    assert numbers["people"] == total
    assert numbers["reports"] == counts["reports"]
    assert numbers["outcomes"] == {outcome: counts[outcome] for outcome in OUTCOME}
    assert numbers["helped_share"] == round(helped(counts) / total, 3)
    assert numbers["helped_ci"] == [round(b, 3) for b in wilson_interval(helped(counts), total)]
    assert numbers["worse_share"] == round((counts["worse"] + counts["much_worse"]) / total, 3)
    assert numbers["flare_share"] == round(counts["flared"] / total, 3)


def check_against_brute_force(group: dict) -> None:
    result = service.insights(group, detail=True)
    size, per_exercise, per_cell = brute_force(group)
    _, outside, _ = brute_force(group, outside=True)
    assert result["filters"] == group
    assert result["min_reports"] == MIN_REPORTS
    if size < MIN_REPORTS:
        assert (result["group_size"], result["exercises"]) == (None, [])
        assert result["suppressed"] == list(EXERCISE)
        return
    assert result["group_size"] == size
    shown = {key for key, counts in per_exercise.items() if people(counts) >= MIN_REPORTS}
    assert [row["exercise"] for row in result["exercises"]] == sorted(
        shown,
        key=lambda key: (
            -wilson_interval(helped(per_exercise[key]), people(per_exercise[key]))[0],
            -people(per_exercise[key]),
            key,
        ),
    )
    assert result["suppressed"] == [key for key in EXERCISE if key not in shown]
    for row in result["exercises"]:
        key = row["exercise"]
        check_numbers(row, per_exercise[key])
        baseline = outside.get(key, empty())
        if people(baseline) >= MIN_REPORTS:
            assert row["baseline"]["people"] == people(baseline)
            assert row["baseline"]["reports"] == baseline["reports"]
            assert row["baseline"]["helped_share"] == round(helped(baseline) / people(baseline), 3)
        else:
            assert row["baseline"]["people"] is None
        cells = {i: c for (e, i), c in per_cell.items() if e == key}
        # Every intensity is shown or suppressed (0 people looks like a few).
        assert {c["intensity"] for c in row["intensities"]} | set(
            row["intensities_suppressed"]
        ) == set(INTENSITY)
        for cell in row["intensities"]:
            assert people(cells[cell["intensity"]]) >= MIN_REPORTS
        # (With threshold-only suppression a hidden intensity may be a row minus the shown ones:
        # the lattice protection is what prevents that, tests/functional/test_insights_attacker.)
        for cell in row["intensities"]:
            assert cell["people"] >= MIN_REPORTS
            check_numbers(cell, cells[cell["intensity"]])


@given(community=st.lists(experiences, max_size=50), chosen=st.lists(groups, max_size=4))
@SETTINGS
def test_fresh_numbers_match_a_brute_force_count(tmp_path_factory, community, chosen):
    with community_app(tmp_path_factory):
        store(community)
        for group in [{}, *chosen]:
            check_against_brute_force(group)


edits = st.one_of(
    st.fixed_dictionaries({"status": st.sampled_from(STATUSES)}),
    st.fixed_dictionaries({"outcome": st.sampled_from(list(OUTCOME))}),
    st.fixed_dictionaries({"flare": st.sampled_from(list(FLARE))}),
    st.fixed_dictionaries({"intensity": st.sampled_from(list(INTENSITY))}),
    *(st.fixed_dictionaries({name: st.sampled_from(values)}) for name, values in VALUES.items()),
    st.fixed_dictionaries(
        {"exercises": st.lists(st.sampled_from(EXERCISES), min_size=1, max_size=3, unique=True)}
    ),
)


@given(
    community=st.lists(experiences, min_size=1, max_size=40),
    steps=st.lists(st.tuples(st.integers(min_value=0), edits, groups), min_size=1, max_size=6),
)
@SETTINGS
def test_numbers_stay_exact_through_edits(tmp_path_factory, community, steps):
    with community_app(tmp_path_factory):
        store(community)
        check_against_brute_force({})
        ids = list(db.session.scalars(select(Experience.id).order_by(Experience.id)))
        for pick, edit, group in steps:
            experience = db.session.get(Experience, ids[pick % len(ids)])
            for field, value in edit.items():
                if field == "exercises":
                    experience.exercise_rows = [
                        ExperienceExercise(exercise=key, position=n) for n, key in enumerate(value)
                    ]
                else:
                    setattr(experience, field, value)
            db.session.add(SearchChange(experience_id=experience.id))
            db.session.commit()
            check_against_brute_force(group)
            check_against_brute_force({})


@given(
    community=st.lists(experiences, min_size=1, max_size=30),
    pick=st.integers(min_value=0),
    extra=experiences,
    group=groups,
)
@SETTINGS
def test_another_post_by_someone_who_reported_that_exercise_never_changes_people(
    tmp_path_factory, community, pick, extra, group
):
    """Adding a post by a member who already reported the same main exercise, in the same
    profile, never changes `people` of any row nor the group's size."""
    with community_app(tmp_path_factory):
        authored = [item for item in community if item["author"] is not None]
        if not authored:
            return
        earlier = authored[pick % len(authored)]
        earlier["status"] = "published"
        store(community)
        before = service.insights(group)
        profile = {name: earlier[name] for name in VALUES}
        again = {**extra, **profile, "author": earlier["author"], "status": "published"}
        again["exercises"] = [earlier["exercises"][0], *extra["exercises"]][:1]
        store([*community, again])
        after = service.insights(group)
        assert after["group_size"] == before["group_size"]
        people_of = lambda result: {row["exercise"]: row["people"] for row in result["exercises"]}  # noqa: E731
        assert people_of(after) == people_of(before)
