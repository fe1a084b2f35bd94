"""The migrations build exactly the schema the models describe, on SQLite and PostgreSQL."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import TEST_DATABASE_URL, create_scratch_database, drop_scratch_database

PROJECT_ROOT = Path(__file__).resolve().parents[2]
FLASK = str(Path(sys.executable).with_name("flask"))

pytestmark = pytest.mark.slow

DATABASES = ["sqlite"] + (["postgresql"] if TEST_DATABASE_URL else [])


@pytest.fixture(params=DATABASES)
def database_url(request, tmp_path):
    """An empty database of each kind this run can reach."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'fresh.db'}"
        return
    url = create_scratch_database(TEST_DATABASE_URL)
    yield url
    drop_scratch_database(TEST_DATABASE_URL, url)


@pytest.fixture
def flask_db(tmp_path, database_url):
    """Run `flask --app app db ...` against the empty database; fail with its output."""
    env = {**os.environ, "DATABASE_URL": database_url, "FORUM_ENV": "development"}
    env["FORUM_INSTANCE_PATH"] = str(tmp_path / "instance")

    def run(*args: str) -> str:
        result = subprocess.run(
            [FLASK, "--app", "app", "db", *args],
            cwd=PROJECT_ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        output = result.stdout + result.stderr
        assert result.returncode == 0, output
        return output

    return run


def test_migrations_build_the_models_schema_and_can_be_undone(flask_db):
    flask_db("upgrade")
    # `db check` fails when a model change has no migration.
    assert "No new upgrade operations detected" in flask_db("check")
    flask_db("downgrade", "base")
    flask_db("upgrade")
