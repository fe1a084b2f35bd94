"""`flask --app app` stops on bad settings with one clear line and starts on good ones."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

PROJECT_ROOT = Path(__file__).resolve().parents[2]
FLASK = str(Path(sys.executable).with_name("flask"))

pytestmark = pytest.mark.slow


def run_flask(tmp_path, *args: str, **settings: str) -> subprocess.CompletedProcess:
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in ("SECRET_KEY", "DATABASE_URL", "FORUM_ENV", "MAX_CONTENT_LENGTH")
    }
    env.update(FORUM_INSTANCE_PATH=str(tmp_path / "instance"), **settings)
    return subprocess.run(
        [FLASK, "--app", "app", *args],
        cwd=PROJECT_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


@pytest.mark.parametrize(
    ("settings", "line"),
    [
        (
            {"FORUM_ENV": "production"},
            "Movement Notes cannot start: SECRET_KEY must be set when FORUM_ENV=production",
        ),
        (
            {"MAX_CONTENT_LENGTH": "lots"},
            "Movement Notes cannot start: MAX_CONTENT_LENGTH must be a whole number, not 'lots'",
        ),
    ],
)
def test_bad_settings_stop_start_up_with_one_clear_line(tmp_path, settings, line):
    result = run_flask(tmp_path, "routes", **settings)
    assert result.returncode != 0
    assert result.stderr.strip() == line
    assert result.stdout == ""


def test_good_settings_start_and_list_the_contract_routes(tmp_path):
    result = run_flask(tmp_path, "routes", FORUM_ENV="production", SECRET_KEY="s" * 32)
    assert result.returncode == 0, result.stderr
    for rule in ("/register", "/login", "/logout", "/profile", "/api/v1/auth/register",
                 "/api/v1/auth/tokens", "/api/v1/auth/tokens/current", "/api/v1/me",
                 "/api/v1/taxonomy"):  # fmt: skip
        assert f" {rule} " in result.stdout + " ", rule
