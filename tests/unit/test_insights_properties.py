"""The insights numbers equal a brute-force count over the database, for random data and groups.

Hypothesis draws communities (every status, unset profile fields, several exercise types per
experience) and groups. The rebuild path is checked on a fresh summary for every community;
the incremental path after random edits, each recorded in the outbox as the services do.
"""

from contextlib import contextmanager

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import delete, insert, select
from sqlalchemy.orm import selectinload

from forum.clock import utcnow
from forum.extensions import db
from forum.insights import service
from forum.insights.stats import wilson_interval
from forum.models import Experience, ExperienceExercise, SearchChange
from forum.vocabulary import EXERCISE, FLARE, INTENSITY, OUTCOME, PROFILE_FIELDS
from tests.conftest import serving

MIN_REPORTS = 3
# A few keys per field, so that groups are neither empty nor everyone.
VALUES = {name: [*list(vocabulary)[:2], None] for name, vocabulary in PROFILE_FIELDS.items()}
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
    for item in community:
        fields = {key: value for key, value in item.items() if key != "exercises"}
        experience_id = db.session.execute(
            insert(Experience).values(
                title="A generated experience",
                body="Generated for the brute-force comparison.",
                body_html="<p>Generated.</p>",
                created_at=now,
                updated_at=now,
                submitted_at=now,
                published_at=now if item["status"] == "published" else None,
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


def brute_force(group: dict) -> tuple[int, dict, dict]:
    """(group size, {exercise: counts}, {(exercise, intensity): counts}) counted in Python."""
    everything = db.session.scalars(
        select(Experience).options(selectinload(Experience.exercise_rows))
    ).all()
    members = [
        experience
        for experience in everything
        if experience.status == "published"
        and all(getattr(experience, name) == key for name, key in group.items())
    ]
    per_exercise: dict = {}
    per_cell: dict = {}
    for experience in members:
        for exercise in experience.exercises:
            for bucket in (
                per_exercise.setdefault(exercise, {"flared": 0, **dict.fromkeys(OUTCOME, 0)}),
                per_cell.setdefault(
                    (exercise, experience.intensity), {"flared": 0, **dict.fromkeys(OUTCOME, 0)}
                ),
            ):
                bucket[experience.outcome] += 1
                bucket["flared"] += experience.flare != "none"
    return len(members), per_exercise, per_cell


def reports(counts: dict) -> int:
    return sum(counts[outcome] for outcome in OUTCOME)


def helped(counts: dict) -> int:
    return counts["helped"] + counts["helped_a_lot"]


def check_numbers(numbers: dict, counts: dict) -> None:
    total = reports(counts)
    assert numbers["reports"] == total
    assert numbers["outcomes"] == {outcome: counts[outcome] for outcome in OUTCOME}
    assert numbers["helped_share"] == round(helped(counts) / total, 3)
    assert numbers["helped_ci"] == [round(b, 3) for b in wilson_interval(helped(counts), total)]
    assert numbers["worse_share"] == round((counts["worse"] + counts["much_worse"]) / total, 3)
    assert numbers["flare_share"] == round(counts["flared"] / total, 3)


def check_against_brute_force(group: dict) -> None:
    result = service.insights(group, detail=True)
    size, per_exercise, per_cell = brute_force(group)
    _, everyone, _ = brute_force({})
    assert result["filters"] == group
    assert result["min_reports"] == MIN_REPORTS
    if size < MIN_REPORTS:
        assert (result["group_size"], result["exercises"]) == (None, [])
        assert result["suppressed"] == list(EXERCISE)
        return
    assert result["group_size"] == size
    shown = {key for key, counts in per_exercise.items() if reports(counts) >= MIN_REPORTS}
    assert [row["exercise"] for row in result["exercises"]] == sorted(
        shown,
        key=lambda key: (
            -wilson_interval(helped(per_exercise[key]), reports(per_exercise[key]))[0],
            -reports(per_exercise[key]),
            key,
        ),
    )
    assert set(result["suppressed"]) == set(per_exercise) - shown
    for row in result["exercises"]:
        key = row["exercise"]
        check_numbers(row, per_exercise[key])
        assert row["baseline"] == {
            "reports": reports(everyone[key]),
            "helped_share": round(helped(everyone[key]) / reports(everyone[key]), 3),
        }
        cells = {i: c for (e, i), c in per_cell.items() if e == key}
        assert {c["intensity"] for c in row["intensities"]} | set(
            row["intensities_suppressed"]
        ) == set(cells)
        hidden = sum(reports(cells[i]) for i in row["intensities_suppressed"])
        assert not row["intensities"] or hidden == 0 or hidden >= MIN_REPORTS
        for cell in row["intensities"]:
            assert cell["reports"] >= MIN_REPORTS
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
