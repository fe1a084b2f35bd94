"""Benchmark: search over 10,000 / 100,000 demo experiences (issue 5, item 10).

    .venv/bin/python bench/search_bench.py --published 10000      # SQLite under /tmp
    .venv/bin/python bench/search_bench.py --database-url sqlite:////path/forum.db
    .venv/bin/python bench/search_bench.py --database-url sqlite:////copy/forum.db \
        --index-dir /copy/search-index --skip-plain      # a seeded copy, index not rebuilt

An empty database is filled by the demo loader (forum.demo). Then, on the same documents:
our rebuild (forum.search, from the database) against a plain whoosh build (textbook schema
with positions, default writer) and an SQLite FTS5 build; then a fixed mix of 200 queries
(single words, two words, phrases, questions, filters, newest first, later pages) through
the search service with facets, highlights and the database re-check, warm and with the
postings cache off; and the same mix on plain whoosh and on FTS5 (the floor).
"""

import argparse
import random
import sqlite3
import statistics
import sys
import tempfile
import time
from pathlib import Path

from flask_migrate import upgrade
from sqlalchemy import func, select
from whoosh import fields, index, qparser, query, sorting

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from forum import create_app, search  # noqa: E402
from forum.extensions import db  # noqa: E402
from forum.models import Experience  # noqa: E402
from forum.search.engine.matching import Engine  # noqa: E402
from forum.search.index import building  # noqa: E402

_WORDS = """walking yoga qigong swimming pilates cycling pain sleep fatigue flare crash morning
pacing diary energy stretching worse better fibromyalgia exhausted routine weights taiji
aqua hiit physio dance running gentle pool class bike walked flares aching"""
WORDS = _WORDS.split()
PAIRS = [
    ("walking", "pain"),
    ("qigong", "sleep"),
    ("yoga", "fatigue"),
    ("swimming", "flare"),
    ("tai chi", "balance"),
    ("pacing", "energy"),
    ("bike", "knees"),
    ("gentle", "stretching"),
    ("pool", "crash"),
    ("morning", "stiffness"),
    ("diary", "flares"),
    ("dance", "mood"),
]
PHRASES = [
    '"next morning"',
    '"exercise bike"',
    '"fall down the stairs"',
    '"twice a week"',
    '"slow, gentle movement"',
    '"next day"',
    '"tai chi"',
    '"a few minutes"',
]
QUESTIONS = [
    "how do I start exercising after a car accident without flaring",
    "does walking help fibromyalgia fatigue",
    "what helped your sleep when everything aches",
    "is yoga safe if exercise makes me crash the next day",
    "how long before qigong made a difference to the pain",
    "can swimming help after surgery",
]
FILTERS = {
    "onset": ["injury", "illness", "sedentary"],
    "outcome": ["helped", "worse"],
    "exercise": ["walking", "yoga", "qigong", "swimming"],
}
MIX = {
    "one word": 50,
    "two words": 40,
    "phrase": 20,
    "question": 20,
    "word + filters": 35,
    "newest first": 20,
    "later page": 15,
}


def some_filters(rng: random.Random) -> dict:
    """One to three filters, each a contract key."""
    chosen = {name: rng.choice(keys) for name, keys in FILTERS.items() if rng.random() < 0.6}
    return chosen or {"onset": "injury"}


def query_mix(seed: int) -> list[tuple[str, dict]]:
    """The same 200 (kind, search args) every run."""
    rng = random.Random(seed)
    word, mix = lambda: rng.choice(WORDS), []  # noqa: E731
    makers = {
        "one word": lambda: {"q": word()},
        "two words": lambda: {"q": " ".join(rng.choice(PAIRS))},
        "phrase": lambda: {"q": rng.choice(PHRASES)},
        "question": lambda: {"q": rng.choice(QUESTIONS)},
        "word + filters": lambda: {"q": word(), **some_filters(rng)},
        "newest first": lambda: {"q": word(), "sort": "newest"},
        "later page": lambda: {"q": word(), "page": rng.randint(2, 5)},
    }
    for kind, count in MIX.items():
        mix += [
            (kind, {"page": 1, "per_page": 20, "sort": "relevance", **makers[kind]()})
            for _ in range(count)
        ]
    rng.shuffle(mix)
    return mix


def percentiles(values: list[float]) -> tuple[float, float]:
    ordered = sorted(values)
    return statistics.median(ordered), ordered[max(0, round(0.95 * len(ordered)) - 1)]


def report(name: str, samples: list[tuple[float, float]]) -> None:
    """Wall-clock p50/p95 (what run_all.py reads) and CPU p50/p95 (steadier on a busy box)."""
    (wall50, wall95), (cpu50, cpu95) = (percentiles([s[i] for s in samples]) for i in (0, 1))
    print(
        f"{name:<44} n={len(samples):<4} p50={wall50:8.2f} ms  p95={wall95:8.2f} ms  "
        f"(CPU p50={cpu50:7.2f} ms p95={cpu95:7.2f} ms)",
        flush=True,
    )


def documents(app) -> list[dict]:
    with app.app_context():
        return [
            {
                "id": e.id,
                "title": e.title,
                "body": e.body,
                "exercises": e.exercises,
                "onset": e.onset or "",
                "outcome": e.outcome,
                "published": e.published_at,
            }
            for e in building.published_experiences(db.session)
        ]


def plain_whoosh_build(docs: list[dict], directory: str):
    """What a textbook whoosh setup does: TEXT with positions, default writer."""
    schema = fields.Schema(
        id=fields.ID(stored=True, unique=True),
        title=fields.TEXT(stored=True),
        body=fields.TEXT,
        exercise=fields.KEYWORD(sortable=True),
        onset=fields.ID(sortable=True),
        outcome=fields.ID(sortable=True),
        published=fields.DATETIME(sortable=True),
    )
    ix = index.create_in(directory, schema)
    writer = ix.writer()
    for doc in docs:
        writer.add_document(
            id=str(doc["id"]),
            title=doc["title"],
            body=doc["body"],
            exercise=" ".join(doc["exercises"]),
            onset=doc["onset"],
            outcome=doc["outcome"],
            published=doc["published"],
        )
    writer.commit()
    return ix


def plain_whoosh_query(searcher, parser, args: dict) -> None:
    q = parser.parse(args["q"])
    filters = [query.Term(k, args[k]) for k in FILTERS if args.get(k)]
    facets = {name: sorting.FieldFacet(name, allow_overlap=name == "exercise") for name in FILTERS}
    searcher.search_page(
        q,
        args["page"],
        pagelen=20,
        filter=query.And(filters) if filters else None,
        groupedby=facets,
        maptype=sorting.Count,
        sortedby="published" if args["sort"] == "newest" else None,
        reverse=True,
    )


def fts5_build(docs: list[dict]) -> sqlite3.Connection:
    connection = sqlite3.connect(":memory:")
    connection.executescript("""
        CREATE VIRTUAL TABLE docs USING fts5(title, body, tokenize='porter unicode61');
        CREATE TABLE meta (id INTEGER PRIMARY KEY, onset TEXT, outcome TEXT, published TEXT);
        CREATE TABLE exercises (doc INTEGER, exercise TEXT);
        CREATE INDEX exercises_doc ON exercises (doc, exercise);""")
    for doc in docs:
        connection.execute(
            "INSERT INTO docs (rowid, title, body) VALUES (?, ?, ?)",
            (doc["id"], doc["title"], doc["body"]),
        )
        connection.execute(
            "INSERT INTO meta VALUES (?, ?, ?, ?)",
            (doc["id"], doc["onset"], doc["outcome"], str(doc["published"])),
        )
        connection.executemany(
            "INSERT INTO exercises VALUES (?, ?)",
            [(doc["id"], exercise) for exercise in doc["exercises"]],
        )
    connection.commit()
    return connection


def fts5_query(connection, args: dict) -> None:
    """AND of the words (OR for questions), filters, count, three facets and one page."""
    words = [w for w in args["q"].replace(",", " ").split() if w.isalpha()]
    text = (
        args["q"]
        if args["q"].startswith('"')
        else (" OR ".join(words) if len(words) > 3 else " ".join(words))
    )
    where, params = ["docs MATCH ?"], [text]
    for name in ("onset", "outcome"):
        if args.get(name):
            where.append(f"meta.{name} = ?")
            params.append(args[name])
    if args.get("exercise"):
        where.append("meta.id IN (SELECT doc FROM exercises WHERE exercise = ?)")
        params.append(args["exercise"])
    matched = f"FROM docs JOIN meta ON meta.id = docs.rowid WHERE {' AND '.join(where)}"
    connection.execute(f"SELECT count(*) {matched}", params).fetchall()  # noqa: S608
    for name in ("onset", "outcome"):
        connection.execute(f"SELECT meta.{name}, count(*) {matched} GROUP BY 1", params).fetchall()  # noqa: S608
    connection.execute(
        "SELECT exercise, count(*) FROM exercises WHERE doc IN "  # noqa: S608
        f"(SELECT meta.id {matched}) GROUP BY 1",
        params,
    ).fetchall()
    order = "meta.published DESC" if args["sort"] == "newest" else "rank"
    connection.execute(
        f"SELECT meta.id {matched} ORDER BY {order} LIMIT 20 OFFSET ?",  # noqa: S608
        [*params, 20 * (args["page"] - 1)],
    ).fetchall()


def timed(call) -> tuple[float, float]:
    """Wall and CPU milliseconds of one call."""
    wall, cpu = time.perf_counter(), time.process_time()
    call()
    return (time.perf_counter() - wall) * 1000, (time.process_time() - cpu) * 1000


def timed_build(label: str, count: int, call) -> None:
    """Wall and CPU time of a build (CPU time is what a shared, busy machine distorts least)."""
    wall, cpu = time.perf_counter(), time.process_time()
    call()
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    print(
        f"build: {label}, {count:,} docs in {wall:.1f} s = {count / wall:,.0f} docs/s "
        f"(CPU {cpu:.1f} s) n=1 p50={wall * 1000:.1f} ms p95={wall * 1000:.1f} ms",
        flush=True,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url")
    parser.add_argument("--published", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=5)
    parser.add_argument("--skip-plain", action="store_true", help="no plain whoosh build/queries")
    parser.add_argument(
        "--skip-floor",
        action="store_true",
        help="no SQLite FTS5 floor (at a million its in-memory copy of every document takes GBs)",
    )
    parser.add_argument(
        "--index-dir",
        help="search this index as it is (a copy: it may be written) instead of a rebuild",
    )
    args = parser.parse_args()
    url = args.database_url or f"sqlite:////tmp/search-bench/n{args.published}.db"
    if url.startswith("sqlite:////"):
        Path(url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
    workdir = tempfile.mkdtemp(prefix="search-bench-")
    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": url,
            "SECRET_KEY": "bench",
            "SEARCH_INDEX_DIR": args.index_dir or f"{workdir}/ours",
            "SEARCH_DRAIN_INTERVAL_MS": 0,
        }
    )
    with app.app_context():
        upgrade()
        if not db.session.scalar(select(func.count()).select_from(Experience)):
            from forum.demo import loader

            print(f"loading {args.published:,} demo experiences...", flush=True)
            loader.load(args.published)
    with app.app_context():
        ids = building.published_ids(db.session)
    published = len(ids)
    print(f"{url}: {published:,} published experiences", flush=True)
    if not args.index_dir:
        with app.app_context():
            timed_build("ours (forum.search rebuild, from the database)", published, search.rebuild)
    docs = [] if args.skip_plain and args.skip_floor else documents(app)
    if not args.skip_plain:
        Path(f"{workdir}/plain").mkdir()
        build = lambda: plain_whoosh_build(docs, f"{workdir}/plain")  # noqa: E731
        timed_build("plain whoosh (same documents, from memory)", len(docs), build)
    holder = {}
    if not args.skip_floor:
        build = lambda: holder.setdefault("fts", fts5_build(docs))  # noqa: E731
        timed_build("SQLite FTS5 (same documents, in memory)", len(docs), build)

    mix = query_mix(args.seed)

    def ours(search_args: dict) -> tuple[float, float]:
        with app.app_context():
            elapsed = timed(lambda: search.search(search_args))
            db.session.remove()
        return elapsed

    report("ours: first search (opens the index)", [ours({"q": "walking"})])
    samples = {kind: [] for kind in MIX}
    for kind, search_args in mix:
        samples[kind].append(ours(search_args))
    for kind, values in samples.items():
        report(f"ours: {kind}", values)
    report("ours: whole mix, warm", [value for values in samples.values() for value in values])
    with app.app_context():
        chosen = random.Random(args.seed).sample(ids, 20)
        similar = [timed(lambda i=i: search.similar_experiences(i)) for i in chosen]
    report("ours: similar_experiences (moderation queue)", similar)
    with app.app_context():
        runtime = search.runtime()
        with runtime.reading(db.engine):
            runtime.engine = Engine(capacity=1)  # nothing stays decoded between queries
    report("ours: whole mix, postings cache off", [ours(search_args) for _, search_args in mix])
    if not args.skip_plain:
        ix = index.open_dir(f"{workdir}/plain")
        with ix.searcher() as searcher:
            whoosh_parser = qparser.MultifieldParser(["title", "body"], ix.schema)
            report(
                "plain whoosh: whole mix (one reused searcher)",
                [timed(lambda a=a: plain_whoosh_query(searcher, whoosh_parser, a)) for _, a in mix],
            )
    if not args.skip_floor:
        report(
            "SQLite FTS5: whole mix (floor)",
            [timed(lambda a=a: fts5_query(holder["fts"], a)) for _, a in mix],
        )


if __name__ == "__main__":
    main()
