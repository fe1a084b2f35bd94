"""Judging search against the fixed corpus: MRR and recall@5 over the judged queries.

Used by tests/unit/test_search_relevance.py and bench/relevance.py (which prints the figures).
Call inside an application context with an empty database.
"""

from dataclasses import dataclass, field

from forum import search
from tests.factories import ExperienceFactory, UserFactory
from tests.relevance.corpus import QUERIES, STORIES, Judged

TOP = 5
# Ranks looked at for the reciprocal rank of the first relevant story.
DEPTH = 20


@dataclass
class Outcome:
    judged: Judged
    ranked: list[str]

    @property
    def reciprocal_rank(self) -> float:
        for rank, key in enumerate(self.ranked, 1):
            if key in self.judged.relevant:
                return 1 / rank
        return 0.0

    @property
    def recall(self) -> float:
        found = set(self.ranked[:TOP]) & set(self.judged.relevant)
        return len(found) / len(self.judged.relevant)

    @property
    def wrong_in_top(self) -> list[str]:
        return [key for key in self.ranked[:TOP] if key in self.judged.wrong]


@dataclass
class Report:
    outcomes: list[Outcome] = field(default_factory=list)

    @property
    def mrr(self) -> float:
        return sum(o.reciprocal_rank for o in self.outcomes) / len(self.outcomes)

    @property
    def recall_at_5(self) -> float:
        return sum(o.recall for o in self.outcomes) / len(self.outcomes)

    def lines(self) -> list[str]:
        rows = [
            f"{o.reciprocal_rank:4.2f} {o.recall:4.2f} {'WRONG ' if o.wrong_in_top else ''}"
            f"{o.judged.query!r} -> {', '.join(o.ranked[:TOP])}"
            for o in self.outcomes
        ]
        rows.append(
            f"queries={len(self.outcomes)} stories={len(STORIES)} "
            f"MRR={self.mrr:.3f} recall@5={self.recall_at_5:.3f} "
            f"wrong-in-top-5={sum(len(o.wrong_in_top) for o in self.outcomes)}"
        )
        return rows


def build_corpus() -> dict[int, str]:
    """The corpus as published stories; {experience id: story key}."""
    author = UserFactory(username="judged")
    keys = {}
    for key, (title, body, exercises, onset, outcome, intensity) in STORIES.items():
        experience = ExperienceFactory(
            author=author,
            title=title,
            body=body,
            exercises=exercises,
            onset=onset,
            outcome=outcome,
            intensity=intensity,
        )
        keys[experience.id] = key
    return keys


def judge(keys: dict[int, str]) -> Report:
    report = Report()
    for judged in QUERIES:
        page = search.search({"q": judged.query, "per_page": DEPTH})
        ranked = [keys[hit.experience.id] for hit in page.items]
        report.outcomes.append(Outcome(judged, ranked))
    return report
