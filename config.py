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
    SQLALCHEMY_DATABASE_URI = _env("DATABASE_URL", f"sqlite:///{INSTANCE_DIR / 'prevent_hub.db'}")
    SQLALCHEMY_ENGINE_OPTIONS: dict = {"pool_pre_ping": True}
    UPLOAD_DIR = _env("UPLOAD_DIR", str(INSTANCE_DIR / "uploads"))
    MAIL_DIR = _env("MAIL_DIR", str(INSTANCE_DIR / "mail"))
    SEARCH_BACKEND = _env("SEARCH_BACKEND", "whoosh")
    SEARCH_INDEX_DIR = _env("SEARCH_INDEX_DIR", str(BASE_DIR / "search_index"))
    RATELIMIT_STORAGE_URI = _env("RATELIMIT_STORAGE_URI", "memory://")
    RATELIMIT_HEADERS_ENABLED = True
    MAIL_SERVER = _env("MAIL_SERVER")
    MAIL_PORT = int(_env("MAIL_PORT", "25") or 25)
    MAIL_USERNAME = _env("MAIL_USERNAME")
    MAIL_PASSWORD = _env("MAIL_PASSWORD")
    MAIL_USE_TLS = _env("MAIL_USE_TLS", "false").lower() in ("1", "true", "yes")
    MAIL_DEFAULT_SENDER = _env("MAIL_DEFAULT_SENDER", "prevent-hub@localhost")
    # A report PDF may be up to 20 MB; the rest of the form adds a little.
    MAX_REPORT_BYTES = 20 * 1024 * 1024
    MAX_CONTENT_LENGTH = 21 * 1024 * 1024
    WTF_CSRF_ENABLED = True
    WTF_CSRF_TIME_LIMIT = None  # the token lives as long as the session
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_HTTPONLY = True
    TOKEN_MAX_AGE_SECONDS = 24 * 3600
    # Apply the search outbox right after each commit; tests may turn it off.
    SEARCH_SYNC_ON_COMMIT = True
    TESTING = False
    DEBUG = False


class DevelopmentConfig(Config):
    DEBUG = False  # `make run` serves without the reloader; set FLASK_DEBUG=1 to debug


class TestingConfig(Config):
    TESTING = True
    WTF_CSRF_ENABLED = False
    RATELIMIT_ENABLED = True
    SECRET_KEY = "testing-secret"  # noqa: S105  (tests only)
    # Cheap hashing: the suite creates hundreds of users; production keeps argon2's defaults.
    ARGON2_PARAMS = {"time_cost": 1, "memory_cost": 1024, "parallelism": 1}


class ProductionConfig(Config):
    SESSION_COOKIE_SECURE = True
    REMEMBER_COOKIE_SECURE = True
    PREFERRED_URL_SCHEME = "https"

    @classmethod
    def check(cls) -> None:
        """Refuse to start with settings that are unsafe in production."""
        if not cls.SECRET_KEY or cls.SECRET_KEY == DEV_SECRET or len(cls.SECRET_KEY) < 16:
            raise RuntimeError("SECRET_KEY must be set to a long random value in production.")


CONFIGS: dict[str, type[Config]] = {
    "development": DevelopmentConfig,
    "testing": TestingConfig,
    "production": ProductionConfig,
}
