"""Search relevance on the judged corpus (issue 19, point 4): MRR and recall@5.

    .venv/bin/python bench/relevance.py

Builds the fixed hand-written community of tests/relevance/corpus.py in a temporary SQLite
database and index, asks its judged member questions through the search service, and
prints, per query, the reciprocal rank of the first relevant story, recall@5 and the top 5,
then the means. tests/unit/test_search_relevance.py fails below the figures it printed.
"""

import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from forum import create_app  # noqa: E402
from forum.extensions import db  # noqa: E402
from tests.relevance.judge import build_corpus, judge  # noqa: E402


def main() -> None:
    workdir = tempfile.mkdtemp(prefix="relevance-")
    app = create_app(
        {
            "FORUM_ENV": "testing",
            "SECRET_KEY": "relevance",
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{workdir}/forum.db",
            "SEARCH_INDEX_DIR": f"{workdir}/index",
            "PASSWORD_HASH_METHOD": "scrypt:1024:8:1",
        }
    )
    with app.app_context():
        db.create_all()
        report = judge(build_corpus())
    print("\n".join(report.lines()))


if __name__ == "__main__":
    main()
