"""The index schema: which fields a document has and how whoosh stores each of them.

Text is analysed once, by forum.search.engine.analysis, before whoosh sees it: the text fields
are fed {term: count}, so documents, queries and highlights share one pipeline and whoosh does
not tokenise anything again.
"""

from whoosh import columns, fields
from whoosh.system import pack_uint

# Structured fields members filter on; each holds one contract key.
KEY_FIELDS = ("onset", "condition", "symptom", "outcome", "intensity", "flare", "age_band")
KEY_FIELDS += ("onset_detail", "severity", "years_ill")
# Query words are looked up in these fields; the engine weighs them.
TEXT_FIELDS = ("title", "body", "topics")
PAIR_FIELD = "pairs"
# Who may read the story: "public" or "members"; visitors' searches keep to public ones.
VISIBILITY_FIELD, PUBLIC_TERM = "visibility", "public"
# Bumped whenever documents change shape, and whenever TermCounts moves: whoosh pickles the
# schema, field classes by module path, into every index. An index of another version is
# never opened, only rebuilt. 3: TermCounts moved from forum.search.documents to here.
# 4: the visibility field; a story that keeps its "about me" private has no profile keys.
# 4: the community's words (ME/CFS, PEM, GET, fibro, car collision...) folded, and their
# own words indexed beside them (synonyms.CONCEPTS).
# 4: onset_detail, severity and years_ill key fields.
# 5: no "me too" count: nothing sorts by it, and a mark then changes nothing in the index
# (nor the search pages kept under the index's version).
SCHEMA_VERSION = 5


class TermCounts(fields.KEYWORD):
    """A scorable keyword field fed {term: count} of already analysed text."""

    def __init__(self):
        super().__init__(scorable=True)

    def index(self, value, **kwargs):
        for term, count in value.items():
            yield term.encode("utf-8"), count, float(count), pack_uint(count)


def build_schema() -> fields.Schema:
    """One document per published experience; no positions anywhere (phrases use pairs).

    Every indexed field keeps lengths (scorable) even where nothing is scored: whoosh looks
    up a length for each posting it writes and, without a lengths column, asks the file
    system each time. The publication date is a column only: it sorts, nobody searches it.
    """
    names = ("exercise", "tag", *KEY_FIELDS, VISIBILITY_FIELD)
    keywords = {name: fields.KEYWORD(scorable=True) for name in names}
    return fields.Schema(
        id=fields.ID(stored=True, unique=True),
        fingerprint=fields.STORED(),
        title=TermCounts(),
        body=TermCounts(),
        # Exercise names and tags as terms, so "qigong sleep" finds a qigong story that
        # never spells the exercise out in its text.
        topics=TermCounts(),
        # Adjacent terms of title and body ("flare-next"): a quoted phrase is the
        # intersection of its pairs, exact for two words and far cheaper than positions.
        pairs=TermCounts(),
        **keywords,
        published=fields.COLUMN(columns.NumericColumn("q")),
    )


def word_pairs(terms: list[str]) -> list[str]:
    """Adjacent terms joined by "-", the way the pairs field holds them."""
    return [f"{first}-{second}" for first, second in zip(terms, terms[1:], strict=False)]
