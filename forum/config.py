"""Settings read from the environment, with embedded defaults under instance/."""

import os
import re
import secrets
from pathlib import Path

from limits import parse_many
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError
from werkzeug.security import generate_password_hash

ENVIRONMENTS = ("development", "production", "testing")


class ConfigError(RuntimeError):
    """The configuration cannot work; the message says which setting and why."""


def _int_setting(name: str, default: int, minimum: int = 0) -> int:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ConfigError(f"{name} must be a whole number, not {raw!r}") from None
    if value < minimum:
        raise ConfigError(f"{name} must be at least {minimum}, not {value}")
    return value


def _engine_options(database_url: str) -> dict:
    """A server's connections can drop between requests: test each when it leaves the pool.
    An SQLite file's cannot, and the test would cost every request a statement."""
    return {} if database_url.startswith("sqlite") else {"pool_pre_ping": True}


def _database_url(instance_path: Path) -> str:
    raw = os.environ.get("DATABASE_URL", "").strip()
    if not raw:
        return f"sqlite:///{instance_path / 'forum.db'}"
    # Hosting platforms hand out bare postgres:// URLs; psycopg 3 is the driver we ship.
    for prefix in ("postgres://", "postgresql://"):
        if raw.startswith(prefix):
            raw = "postgresql+psycopg://" + raw[len(prefix) :]
    try:
        make_url(raw)
    except ArgumentError:
        raise ConfigError(f"DATABASE_URL is not a database URL: {raw!r}") from None
    return raw


def _development_secret(instance_path: Path) -> str:
    """Generate a secret once and keep it, so sessions survive restarts on a dev machine."""
    path = instance_path / "secret_key"
    kept = path.read_text().strip() if path.exists() else ""
    if kept:
        return kept
    secret = secrets.token_hex(32)
    # Created owner-only from the start: write-then-chmod leaves a moment it is readable.
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w") as file:
        file.write(secret)
    return secret


def _password_hash_method() -> str:
    """scrypt, optionally with its cost parameters ("scrypt:N:r:p"); nothing weaker."""
    method = os.environ.get("PASSWORD_HASH_METHOD")
    if not method:
        return "scrypt"
    problem = f"PASSWORD_HASH_METHOD must be scrypt or scrypt:N:r:p, not {method!r}"
    if not re.fullmatch(r"scrypt(:[0-9]+:[0-9]+:[0-9]+)?", method):
        raise ConfigError(problem)
    try:
        # Bad cost parameters (N not a power of two...) would otherwise fail at sign-up.
        generate_password_hash("probe", method=method)
    except ValueError:
        raise ConfigError(problem) from None
    return method


# Every abuse limit, as a Flask-Limiter rate string ("N per period", several joined by ";").
RATE_LIMIT_DEFAULTS = {
    "RATELIMIT_SIGN_IN_PER_ADDRESS": "10 per minute;50 per hour",
    "RATELIMIT_SIGN_IN_FAILURES_PER_ACCOUNT": "5 per minute;10 per hour;20 per day",
    "RATELIMIT_TOKENS_PER_ADDRESS": "10 per minute;50 per hour",
    "RATELIMIT_REGISTER_PER_ADDRESS": "10 per hour;20 per day",
    "RATELIMIT_POST_NEW_MEMBER": "1 per 30 seconds;10 per day",
    "RATELIMIT_POST": "1 per 10 seconds;50 per day",
    "RATELIMIT_REPLY_NEW_MEMBER": "1 per 15 seconds;30 per day",
    "RATELIMIT_REPLY": "1 per 5 seconds;200 per day",
    "RATELIMIT_FLAG": "20 per day",
    "RATELIMIT_QUICK_ANSWER": "30 per minute;200 per day",
    "RATELIMIT_ACCOUNT_CHANGES": "10 per hour",
    "RATELIMIT_PASSWORD_RESET_PER_ADDRESS": "10 per hour;30 per day",
    "RATELIMIT_PASSWORD_RESET_PER_ACCOUNT": "3 per hour;6 per day",
    "RATELIMIT_VERIFY_EMAIL": "3 per hour;10 per day",
}
REDIS_SCHEMES = ("redis://", "rediss://", "unix://")
FALSE_WORDS = ("0", "false", "no", "off")


def _switched_on(name: str) -> bool:
    """A setting that is on unless set to one of FALSE_WORDS."""
    return os.environ.get(name, "1").strip().lower() not in FALSE_WORDS


def _rate_limit_settings() -> dict:
    """The limits from the environment, each checked now so a typo stops start-up."""
    settings = {}
    for name, default in RATE_LIMIT_DEFAULTS.items():
        value = os.environ.get(name, "").strip() or default
        try:
            parse_many(value)
        except ValueError:
            raise ConfigError(
                f"{name} must be rates like '5 per minute;20 per day', not {value!r}"
            ) from None
        settings[name] = value
    settings["RATELIMIT_ENABLED"] = (
        os.environ.get("RATELIMIT_ENABLED", "1").strip().lower() not in FALSE_WORDS
    )
    settings["RATELIMIT_NEW_MEMBER_DAYS"] = _int_setting("RATELIMIT_NEW_MEMBER_DAYS", 3)
    return settings


def _redis_url() -> str | None:
    raw = os.environ.get("REDIS_URL", "").strip()
    if raw and not raw.startswith(REDIS_SCHEMES):
        raise ConfigError(
            f"REDIS_URL must start with {', '.join(REDIS_SCHEMES)}, not {raw.split(':')[0]!r}"
        )
    return raw or None


MAIL_DELIVERIES = ("rq", "thread", "inline")


def _cache_in_redis() -> bool:
    """On with REDIS_URL unless CACHE_IN_REDIS is one of FALSE_WORDS (set alone, it is on)."""
    raw = os.environ.get("CACHE_IN_REDIS", "").strip().lower()
    if not raw:
        return _redis_url() is not None
    return raw not in FALSE_WORDS


def _mail_settings(environment: str, redis_url: str | None) -> dict:
    """SMTP (Flask-Mailman's names), links in mail, and how the outbox is delivered.

    Without MAIL_SERVER nothing goes over SMTP: development and production write each
    message as an .eml file under instance/mail/, tests keep them in memory. MAIL_DELIVERY is
    `rq` with REDIS_URL (`flask forum mail-worker` runs the jobs), else `thread` (a background
    thread in the web process); tests default to `inline` (right after the commit, in the
    process that committed, so a test sees the message when its request returns).
    """
    server = os.environ.get("MAIL_SERVER", "").strip() or None
    use_ssl = os.environ.get("MAIL_USE_SSL", "").strip().lower() not in ("", *FALSE_WORDS)
    use_tls = os.environ.get("MAIL_USE_TLS", "").strip().lower() not in ("", *FALSE_WORDS)
    if use_ssl and use_tls:
        raise ConfigError("MAIL_USE_TLS and MAIL_USE_SSL cannot both be on")
    delivery = os.environ.get("MAIL_DELIVERY", "").strip().lower()
    if not delivery:
        delivery = "rq" if redis_url else ("inline" if environment == "testing" else "thread")
    if delivery not in MAIL_DELIVERIES:
        raise ConfigError(f"MAIL_DELIVERY must be one of {', '.join(MAIL_DELIVERIES)}")
    if delivery == "rq" and not redis_url:
        raise ConfigError("MAIL_DELIVERY=rq needs REDIS_URL")
    base_url = os.environ.get("PUBLIC_BASE_URL", "").strip().rstrip("/")
    if base_url and not base_url.startswith(("http://", "https://")):
        raise ConfigError(f"PUBLIC_BASE_URL must start with http:// or https://, not {base_url!r}")
    return {
        "MAIL_SERVER": server,
        "MAIL_PORT": _int_setting("MAIL_PORT", 465 if use_ssl else 587 if use_tls else 25, 1),
        "MAIL_USE_TLS": use_tls,
        "MAIL_USE_SSL": use_ssl,
        "MAIL_USERNAME": os.environ.get("MAIL_USERNAME") or None,
        "MAIL_PASSWORD": os.environ.get("MAIL_PASSWORD") or None,
        "MAIL_DEFAULT_SENDER": os.environ.get("MAIL_DEFAULT_SENDER", "").strip()
        or "Movement Notes <no-reply@localhost>",
        "MAIL_TIMEOUT": _int_setting("MAIL_TIMEOUT", 20, minimum=1),
        # Links in mail; in development, the address `make run` serves.
        "PUBLIC_BASE_URL": base_url or "http://127.0.0.1:5000",
        "MAIL_DELIVERY": delivery,
        "MAIL_MAX_ATTEMPTS": _int_setting("MAIL_MAX_ATTEMPTS", 8, minimum=1),
        # The first retry waits this long, each next one twice as long (at most an hour).
        "MAIL_RETRY_SECONDS": _int_setting("MAIL_RETRY_SECONDS", 30, minimum=1),
        # A claimed message not marked sent within this is claimed again (a killed worker).
        "MAIL_LEASE_SECONDS": _int_setting("MAIL_LEASE_SECONDS", 120, minimum=1),
        "MAIL_BATCH_SIZE": _int_setting("MAIL_BATCH_SIZE", 50, minimum=1),
        # How often the background thread looks for due retries when nothing wakes it.
        "MAIL_POLL_SECONDS": _int_setting("MAIL_POLL_SECONDS", 15, minimum=1),
        # /healthz says mail is behind when the oldest queued message waited longer.
        "MAIL_BEHIND_SECONDS": _int_setting("MAIL_BEHIND_SECONDS", 600, minimum=1),
        "MAIL_DIR": os.environ.get("MAIL_DIR") or None,
        "MAIL_RQ_QUEUE": os.environ.get("MAIL_RQ_QUEUE", "").strip() or "mail",
    }


# Without TRUSTED_HOSTS, production answers only requests made on the machine itself.
LOCAL_HOSTS = ["localhost", "127.0.0.1"]
_HOST_NAME = re.compile(r"\.?[a-z0-9]([a-z0-9.-]*[a-z0-9])?")


def _trusted_hosts(production: bool) -> list[str] | None:
    """The host names pages may be asked for (None: any); links are built from the one asked."""
    raw = os.environ.get("TRUSTED_HOSTS", "").strip()
    if not raw:
        return list(LOCAL_HOSTS) if production else None
    hosts = [host.strip().lower() for host in raw.split(",") if host.strip()]
    for host in hosts:
        if not _HOST_NAME.fullmatch(host):
            raise ConfigError(
                "TRUSTED_HOSTS must be host names without ports, separated by commas"
                f" (.example.org for its subdomains too), not {host!r}"
            )
    return hosts


def load_config(instance_path: Path, overrides: dict | None = None) -> dict:
    """Return the settings for this process; raise ConfigError when they cannot work."""
    overrides = overrides or {}
    environment = overrides.get("FORUM_ENV") or os.environ.get("FORUM_ENV", "development")
    if environment not in ENVIRONMENTS:
        raise ConfigError(
            f"FORUM_ENV must be one of {', '.join(ENVIRONMENTS)}, not {environment!r}"
        )
    instance_path.mkdir(parents=True, exist_ok=True)

    secret_key = overrides.get("SECRET_KEY") or os.environ.get("SECRET_KEY")
    if not secret_key:
        if environment != "development":
            raise ConfigError(f"SECRET_KEY must be set when FORUM_ENV={environment}")
        secret_key = _development_secret(instance_path)

    production = environment == "production"
    config = {
        "FORUM_ENV": environment,
        "TESTING": environment == "testing",
        "SECRET_KEY": secret_key,
        "SQLALCHEMY_DATABASE_URI": _database_url(instance_path),
        "SEARCH_INDEX_DIR": os.environ.get("SEARCH_INDEX_DIR")
        or str(instance_path / "search-index"),
        # How often each process applies outbox changes other processes could not (0: never).
        "SEARCH_DRAIN_INTERVAL_MS": _int_setting(
            "SEARCH_DRAIN_INTERVAL_MS", 0 if environment == "testing" else 500
        ),
        "REDIS_URL": _redis_url(),
        # Build each process's insights table and suppression pattern in the background after
        # its first request, so that no visitor waits seconds for it (off in tests).
        "INSIGHTS_WARM_UP": os.environ.get(
            "INSIGHTS_WARM_UP", "0" if environment == "testing" else "1"
        )
        .strip()
        .lower()
        not in FALSE_WORDS,
        # Memory for whole anonymous pages per process (0: none), each kept at most this long.
        "PAGE_CACHE_MB": _int_setting("PAGE_CACHE_MB", 32),
        "PAGE_CACHE_SECONDS": _int_setting("PAGE_CACHE_SECONDS", 300, minimum=1),
        # The experience list's "N experiences", counted once per filter set between writes.
        "LIST_TOTALS_REMEMBERED": os.environ.get("LIST_TOTALS_REMEMBERED", "1").strip().lower()
        not in FALSE_WORDS,
        # Those two kept in Redis, made once for every worker and host (off: each process).
        "CACHE_IN_REDIS": _cache_in_redis(),
        # Forums sharing one Redis each need their own: their content versions are unrelated.
        "CACHE_KEY_PREFIX": os.environ.get("CACHE_KEY_PREFIX", "").strip() or "forum:kept:",
        "TRUSTED_PROXY_COUNT": _int_setting("TRUSTED_PROXY_COUNT", 0),
        # Flask answers 400 to any other Host (or X-Forwarded-Host behind a trusted proxy).
        "TRUSTED_HOSTS": _trusted_hosts(production),
        "MAX_CONTENT_LENGTH": _int_setting("MAX_CONTENT_LENGTH", 256 * 1024, minimum=1024),
        "PASSWORD_HASH_METHOD": _password_hash_method(),
        "API_TOKEN_TTL_DAYS": _int_setting("API_TOKEN_TTL_DAYS", 30, minimum=1),
        "TRUST_THRESHOLD": _int_setting("TRUST_THRESHOLD", 3, minimum=1),
        # Replies by members not yet trusted wait for a moderator, like their stories.
        "REVIEW_NEW_MEMBER_REPLIES": _switched_on("REVIEW_NEW_MEMBER_REPLIES"),
        "FLAG_HIDE_THRESHOLD": _int_setting("FLAG_HIDE_THRESHOLD", 3, minimum=1),
        "INSIGHTS_MIN_REPORTS": _int_setting("INSIGHTS_MIN_REPORTS", 5, minimum=3),
        # Insights offer wider groups to a group with fewer people than this.
        "INSIGHTS_WIDEN_BELOW": _int_setting("INSIGHTS_WIDEN_BELOW", 30, minimum=1),
        # Complementary suppression over the filter lattice; only a development or test server
        # may turn it off (its tiny communities would otherwise show almost nothing).
        "INSIGHTS_LATTICE_PROTECTION": production
        or os.environ.get("INSIGHTS_LATTICE_PROTECTION", "1").strip().lower() not in FALSE_WORDS,
        "REMEMBER_COOKIE_DURATION_DAYS": _int_setting("REMEMBER_COOKIE_DAYS", 30, minimum=1),
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": production,
        "REMEMBER_COOKIE_HTTPONLY": True,
        "REMEMBER_COOKIE_SAMESITE": "Lax",
        "REMEMBER_COOKIE_SECURE": production,
        "WTF_CSRF_TIME_LIMIT": None,
        **_rate_limit_settings(),
        **_mail_settings(environment, _redis_url()),
    }
    config.update(overrides)
    config.setdefault(
        "SQLALCHEMY_ENGINE_OPTIONS", _engine_options(config["SQLALCHEMY_DATABASE_URI"])
    )
    if config["TESTING"]:
        config.setdefault("WTF_CSRF_ENABLED", True)
        # Tests change data behind the app's back; the caches' own tests turn them on.
        if "PAGE_CACHE_MB" not in overrides and "PAGE_CACHE_MB" not in os.environ:
            config["PAGE_CACHE_MB"] = 0
        if "LIST_TOTALS_REMEMBERED" not in overrides and "LIST_TOTALS_REMEMBERED" not in os.environ:
            config["LIST_TOTALS_REMEMBERED"] = False
        # Every test's database starts at version 0: one Redis would mix their pages.
        if "CACHE_IN_REDIS" not in overrides:
            config["CACHE_IN_REDIS"] = False
    if config["CACHE_IN_REDIS"] and not config["REDIS_URL"]:
        raise ConfigError("CACHE_IN_REDIS needs REDIS_URL")
    if config["INSIGHTS_MIN_REPORTS"] < 3:
        raise ConfigError("INSIGHTS_MIN_REPORTS may never be below 3")
    return config
