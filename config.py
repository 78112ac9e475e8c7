"""Configuration classes, read from the environment (DESIGN §8, §11)."""

from __future__ import annotations

import os
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent
INSTANCE_DIR = BASE_DIR / "instance"
DEV_SECRET = "dev-only-not-secret"  # noqa: S105  (refused by ProductionConfig.check)


def _env(name: str, default: str | None = None) -> str | None:
    value = os.environ.get(name)
    return value if value not in (None, "") else default


class Config:
    SECRET_KEY = _env("SECRET_KEY", DEV_SECRET)
    # The site's public address (https://prevent-hub.example.org): every link in a mail, the
    # Atom feed and the CSV `url` column is built from it, never from the request's Host header
    # (app/core/urls.py). Production refuses to start without it or SERVER_NAME.
    BASE_URL = _env("BASE_URL")
    SERVER_NAME = _env("SERVER_NAME")
    # Host names this site answers to (comma-separated); other Host headers get 400. Unset:
    # BASE_URL's host name, or any host when BASE_URL is unset.
    TRUSTED_HOSTS: str | list[str] | None = _env("TRUSTED_HOSTS")
    SQLALCHEMY_DATABASE_URI = _env("DATABASE_URL", f"sqlite:///{INSTANCE_DIR / 'prevent_hub.db'}")
    SQLALCHEMY_ENGINE_OPTIONS: dict = {"pool_pre_ping": True}
    UPLOAD_DIR = _env("UPLOAD_DIR", str(INSTANCE_DIR / "uploads"))
    MAIL_DIR = _env("MAIL_DIR", str(INSTANCE_DIR / "mail"))
    SEARCH_BACKEND = _env("SEARCH_BACKEND", "whoosh")
    SEARCH_INDEX_DIR = _env("SEARCH_INDEX_DIR", str(BASE_DIR / "search_index"))
    # This host's name in the search outbox (every registered index gets its own copy of each
    # change). Unset: "<hostname>:<absolute SEARCH_INDEX_DIR>" for Whoosh, "postgres" for the
    # PostgreSQL backend (one index shared by every host).
    SEARCH_CONSUMER = _env("SEARCH_CONSUMER")
    # Seconds one search may take (pages, API, exports) before it is stopped with a 503; the
    # parser's bounds keep every query far below it on an idle server (bench/search_worst_case.py).
    SEARCH_TIME_BUDGET: float | None = float(_env("SEARCH_TIME_BUDGET", "1.0") or 1.0)
    # Served processes keep this host's index whole by themselves (app/search/keeper.py): they
    # build a missing one and apply changes left queued by a crash, looking every
    # SEARCH_KEEPER_INTERVAL seconds. 0 turns it off (then `flask search sync` does it).
    SEARCH_KEEPER = _env("SEARCH_KEEPER", "1") not in ("0", "false", "no")
    SEARCH_KEEPER_INTERVAL = float(_env("SEARCH_KEEPER_INTERVAL", "5") or 5)
    # Searches per client address on /search (exports: app/compare/views.py; API: API_RATE_LIMIT).
    SEARCH_RATE_LIMIT = _env("SEARCH_RATE_LIMIT", "60 per minute")
    RATELIMIT_STORAGE_URI = _env("RATELIMIT_STORAGE_URI", "memory://")
    # docs/deploying.md: with several workers or hosts the limits must live in one shared
    # store (redis://127.0.0.1:6379/0), or each process counts alone and a limit of 10 becomes
    # 10 per process. The prefix keeps apps sharing one Redis apart.
    RATELIMIT_KEY_PREFIX = _env("RATELIMIT_KEY_PREFIX", "prevent-hub")
    # How many reverse proxies stand in front (their X-Forwarded-For/-Proto are trusted); 0
    # when clients connect directly. Rate limits count per client address, so behind a proxy
    # this must be right or every client shares the proxy's address.
    PROXY_FIX_X_FOR = int(_env("PROXY_FIX_X_FOR", "0") or 0)
    # /healthz fails when the oldest committed change has waited longer than this for the index.
    HEALTH_MAX_INDEX_LAG_SECONDS = float(_env("HEALTH_MAX_INDEX_LAG_SECONDS", "300") or 300)
    RATELIMIT_HEADERS_ENABLED = True
    # API (issue 5): the IETF httpapi draft's header names; app/api/limits.py turns Reset into
    # seconds from now. The API has one budget per token, or per client address without one.
    RATELIMIT_HEADER_LIMIT = "RateLimit-Limit"
    RATELIMIT_HEADER_REMAINING = "RateLimit-Remaining"
    RATELIMIT_HEADER_RESET = "RateLimit-Reset"
    API_RATE_LIMIT = _env("API_RATE_LIMIT", "300 per minute")
    API_MAX_JSON_BYTES = 1024 * 1024  # a record is a few KB; reports come as multipart
    MAIL_SERVER = _env("MAIL_SERVER")
    MAIL_PORT = int(_env("MAIL_PORT", "25") or 25)
    MAIL_USERNAME = _env("MAIL_USERNAME")
    MAIL_PASSWORD = _env("MAIL_PASSWORD")
    MAIL_USE_TLS = _env("MAIL_USE_TLS", "false").lower() in ("1", "true", "yes")
    MAIL_DEFAULT_SENDER = _env("MAIL_DEFAULT_SENDER", "prevent-hub@localhost")
    # A report PDF may be up to 20 MB; the rest of the form adds a little.
    MAX_REPORT_BYTES = 20 * 1024 * 1024
    MAX_CONTENT_LENGTH = 21 * 1024 * 1024
    # A report's text is read after the upload answers, by a separate process under these
    # limits (app/measures/report_text.py): an 8 KB PDF could otherwise take a minute of CPU.
    REPORT_TEXT_CPU_SECONDS = int(_env("REPORT_TEXT_CPU_SECONDS", "20") or 20)
    REPORT_TEXT_MEMORY_BYTES = 1024 * 1024 * 1024
    REPORT_TEXT_MAX_PAGES = 500
    REPORT_TEXT_MAX_CHARS = 500_000  # enough to find a report in search; more bloats the database
    REPORT_TEXT_IN_BACKGROUND = True
    REPORT_TEXT_SWEEP = True  # the first request of a process reads texts left unread
    WTF_CSRF_ENABLED = True
    WTF_CSRF_TIME_LIMIT = None  # the token lives as long as the session
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"  # like the session cookie (Flask-Login's default is None)
    # Sent only by ProductionConfig: over plain http (development) it would be meaningless, and
    # a browser that once saw it for localhost would refuse http there for a year.
    STRICT_TRANSPORT_SECURITY: str | None = None
    TOKEN_MAX_AGE_SECONDS = 24 * 3600
    # Whether moderators and admins must use two-factor sign-in until an admin saves the
    # setting on Security settings (/account/security). On in production.
    STAFF_TWO_FACTOR_DEFAULT = (_env("STAFF_TWO_FACTOR_DEFAULT", "false") or "").lower() in (
        "1",
        "true",
        "yes",
    )
    # argon2id at OWASP's recommended minimum (19 MiB, 2 passes, 1 lane): about 40 ms a check
    # here, where argon2-cffi's defaults (64 MiB, 3 passes, 4 lanes) took ten times that and
    # let a few sign-ins starve a 2-core host. Hashes keep their own parameters, so old ones
    # still verify.
    ARGON2_PARAMS = {"time_cost": 2, "memory_cost": 19456, "parallelism": 1}
    # Apply the search outbox right after each commit; tests may turn it off.
    SEARCH_SYNC_ON_COMMIT = True
    # Interface languages (issue 14): English first, the default. Adding one takes its code here
    # and its catalogue in app/translations (README "Languages").
    LANGUAGES = ("en", "de", "fr", "es", "it", "pl", "nl", "sv", "pt", "cs")
    TESTING = False
    DEBUG = False


class DevelopmentConfig(Config):
    DEBUG = False  # `make run` serves without the reloader; set FLASK_DEBUG=1 to debug


class TestingConfig(Config):
    TESTING = True
    WTF_CSRF_ENABLED = False
    RATELIMIT_ENABLED = True
    SECRET_KEY = "testing-secret"  # noqa: S105  (tests only)
    # Cheap hashing: the suite creates hundreds of users.
    ARGON2_PARAMS = {"time_cost": 1, "memory_cost": 1024, "parallelism": 1}
    # No clock in test outcomes: a loaded machine must not turn a search into a 503.
    SEARCH_TIME_BUDGET = None
    # No background thread writing the index under the tests' feet; the fault tests turn it
    # on for the servers they start (SEARCH_KEEPER=1).
    SEARCH_KEEPER = _env("SEARCH_KEEPER", "0") not in ("0", "false", "no")
    # The text is there when the upload's request returns; no sweep at each test's start.
    REPORT_TEXT_IN_BACKGROUND = False
    REPORT_TEXT_SWEEP = False


class ProductionConfig(Config):
    # Cookies only over https (DESIGN §9); HttpOnly and SameSite come from Config.
    SESSION_COOKIE_SECURE = True
    REMEMBER_COOKIE_SECURE = True
    STRICT_TRANSPORT_SECURITY = "max-age=31536000; includeSubDomains"
    PREFERRED_URL_SCHEME = "https"
    STAFF_TWO_FACTOR_DEFAULT = (_env("STAFF_TWO_FACTOR_DEFAULT", "true") or "").lower() in (
        "1",
        "true",
        "yes",
    )

    @classmethod
    def check(cls, config: dict | None = None) -> None:
        """Refuse to start with settings that are unsafe in production."""
        config = config if config is not None else {"SECRET_KEY": cls.SECRET_KEY}
        secret = config.get("SECRET_KEY")
        if not secret or secret == DEV_SECRET or len(secret) < 16:
            raise RuntimeError("SECRET_KEY must be set to a long random value in production.")
        if config.get("DEBUG") or config.get("TESTING"):
            return
        from app.core.urls import check_base_url, configured_base_url

        base = configured_base_url(config)
        if base is None:
            raise RuntimeError(
                "BASE_URL (or SERVER_NAME) must be set in production: links in mails are built "
                "from it, never from the request's Host header."
            )
        check_base_url(base)


CONFIGS: dict[str, type[Config]] = {
    "development": DevelopmentConfig,
    "testing": TestingConfig,
    "production": ProductionConfig,
}
