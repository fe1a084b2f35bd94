"""Schemathesis over every operation of /api/openapi.json, against the WSGI app: no input
gives a 500, and every answer matches the document (status, content type, headers, body).

Each operation gets a fresh database and search index seeded with a small community
(tests/fuzz/seed.py), so ids in paths hit real rows, and real bearer tokens.
"""

import itertools
import os
import shutil
import tempfile

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from schemathesis import checks

from forum import create_app
from forum.auth.service import issue_token
from forum.config import RATE_LIMIT_DEFAULTS
from forum.extensions import db
from forum.vocabulary import EXERCISE
from tests.conftest import TEST_DATABASE_URL, make_app
from tests.factories import TEST_PASSWORD, UserFactory
from tests.fuzz import tally
from tests.fuzz.seed import ADMIN, MEMBER, SEEDED_IDS, SEEDED_NAMES, seed_community

pytestmark = pytest.mark.fuzz
EXERCISE_KEYS = list(EXERCISE)

# Per operation; FUZZ_EXAMPLES raises it for a longer hunt.
EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "100"))
CHECKS = [
    checks.not_a_server_error,
    checks.status_code_conformance,
    checks.content_type_conformance,
    checks.response_headers_conformance,
    checks.response_schema_conformance,
]
# Not negative_data_rejection: the API is lenient on purpose where it is harmless (unknown
# query parameters are ignored, tags are lower-cased), and the token sent here replaces the
# broken ones schemathesis generates, which that check would count as accepted.
# Rates no fuzz run reaches: the limiter's key functions still read every fuzzed request.
UNREACHABLE_RATE = "100000 per second"
PASSWORD_CHECKS = {"POST /api/v1/auth/tokens", "POST /api/v1/me/password", "DELETE /api/v1/me"}
# These end the caller's tokens or account: each call gets a member of its own.
SELF_ENDING = {
    ("DELETE", "/api/v1/me"),
    ("POST", "/api/v1/me/password"),
    ("DELETE", "/api/v1/auth/tokens/current"),
}


def load_schema():
    """The document as the app serves it (an app without a database suffices for that)."""
    with tempfile.TemporaryDirectory(prefix="fuzz-document-") as directory:
        app = create_app(
            {
                "FORUM_ENV": "testing",
                "SECRET_KEY": "fuzz",
                "SQLALCHEMY_DATABASE_URI": f"sqlite:///{directory}/unused.db",
                "SEARCH_INDEX_DIR": f"{directory}/index",
            }
        )
        return schemathesis.openapi.from_wsgi("/api/openapi.json", app)


schema = load_schema()
if os.environ.get("FUZZ_OPERATIONS"):  # e.g. "experiences_get" to chase one failure
    schema = schema.include(operation_id_regex=os.environ["FUZZ_OPERATIONS"])
_usernames = itertools.count()


def toward_seeded_rows(path_parameters: dict) -> dict:
    """The same call aimed at rows the seed made: the fuzzer's own ids rarely exist."""
    aimed = {}
    for name, value in path_parameters.items():
        if isinstance(value, int) and not isinstance(value, bool):
            value = value % SEEDED_IDS + 1
        elif name == "username" and isinstance(value, str):
            value = SEEDED_NAMES[len(value) % len(SEEDED_NAMES)]
        elif name == "exercise" and isinstance(value, str) and len(value) % 4:
            value = EXERCISE_KEYS[len(value) % len(EXERCISE_KEYS)]  # a known key, mostly
        aimed[name] = value
    return aimed


def with_known_password(body):
    """Credentials that can succeed: every fuzz member's password is TEST_PASSWORD."""
    if not isinstance(body, dict):
        return body
    return {
        **body,
        **{key: TEST_PASSWORD for key in ("password", "current_password") if key in body},
    }


@schema.hook
def flatmap_path_parameters(context, path_parameters):
    if not path_parameters:
        return st.just(path_parameters)
    # Hypothesis leans to the first choice: half or more of the calls hit real rows.
    return st.sampled_from([toward_seeded_rows(path_parameters), path_parameters])


@schema.hook
def flatmap_body(context, body):
    if context.operation.label not in PASSWORD_CHECKS:
        return st.just(body)
    return st.sampled_from([with_known_password(body), body])


def fuzz_app(directory):
    """The test app on `directory`, with every abuse limit on (and out of reach)."""
    limits = dict.fromkeys(RATE_LIMIT_DEFAULTS, UNREACHABLE_RATE)
    return make_app(directory, RATELIMIT_ENABLED=True, **limits)


def seed(app) -> dict[str, str]:
    with app.app_context():
        members = seed_community()
        return {name: issue_token(user)[0] for name, user in members.items()}


def dispose(app) -> None:
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


@pytest.fixture(scope="session")
def seeded_template(tmp_path_factory):
    """The community seeded once, as SQLite file and index directory, with its tokens."""
    directory = tmp_path_factory.mktemp("fuzz-template")
    app = fuzz_app(directory)
    tokens = seed(app)
    dispose(app)
    return directory, tokens


@pytest.fixture
def community(seeded_template, tmp_path):
    """A fresh copy of the seeded community per operation (copying is cheaper than seeding);
    on PostgreSQL (TEST_DATABASE_URL) the database is emptied and seeded again instead."""
    template, tokens = seeded_template
    if TEST_DATABASE_URL:
        app = fuzz_app(tmp_path)
        tokens = seed(app)
    else:
        shutil.copytree(template, tmp_path, dirs_exist_ok=True)
        app = fuzz_app(tmp_path)
    yield app, tokens
    dispose(app)


def bearer_for(app, tokens: dict[str, str], case) -> dict[str, str]:
    """Moderation as the admin, account-ending calls as a new member, the rest as maple."""
    if (case.method.upper(), case.path) in SELF_ENDING:
        with app.app_context():
            user = UserFactory(username=f"passerby{next(_usernames)}")
            token = issue_token(user)[0]
    elif case.path.startswith("/api/v1/moderation/"):
        token = tokens[ADMIN]
    else:
        token = tokens[MEMBER]
    return {"Authorization": f"Bearer {token}"}


@schema.parametrize()
@settings(
    max_examples=EXAMPLES,
    derandomize=True,
    deadline=None,
    suppress_health_check=list(HealthCheck),
)
def test_api_operation(case, community):
    app, tokens = community
    response = case.call_and_validate(app=app, headers=bearer_for(app, tokens, case), checks=CHECKS)
    tally.record(f"{case.method.upper()} {case.path}", response.status_code)
