"""Configuration classes. Environment variables override the class defaults.

`create_app()` picks the class named by FEDERATION_CONFIG (development,
testing, production); every setting listed in ENV_OVERRIDES can then be set
from the environment, so one image runs anywhere.
"""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
BASE_DIR = PACKAGE_DIR.parent
# From a checkout, templates/, static/ and migrations/ sit beside the package;
# an installed wheel carries them inside it (see setup.py).
INSTALLED = (PACKAGE_DIR / "templates").is_dir()


def resource_dir(name: str) -> Path:
    return PACKAGE_DIR / name if INSTALLED else BASE_DIR / name


TEMPLATES_DIR = resource_dir("templates")
STATIC_DIR = resource_dir("static")
MIGRATIONS_DIR = resource_dir("migrations")
# The instance folder (SQLite database, uploads, queue storage): the checkout's
# instance/, or ./instance for an installed copy, unless INSTANCE_DIR says.
INSTANCE_DIR = Path(
    os.environ.get("INSTANCE_DIR") or (Path.cwd() / "instance" if INSTALLED else BASE_DIR / "instance")
).resolve()


class Config:
    SECRET_KEY = "dev-only-not-secret"
    SQLALCHEMY_DATABASE_URI = f"sqlite:///{INSTANCE_DIR / 'federation.sqlite3'}"
    SQLALCHEMY_ENGINE_OPTIONS: dict = {"pool_pre_ping": True}
    SQLALCHEMY_RECORD_QUERIES = False

    # Languages: Japanese first, English too. Times are always shown in Tokyo.
    LANGUAGES = ("ja", "en")
    BABEL_DEFAULT_LOCALE = "ja"
    BABEL_DEFAULT_TIMEZONE = "Asia/Tokyo"
    BABEL_TRANSLATION_DIRECTORIES = str(PACKAGE_DIR / "translations")

    # Sessions and cookies.
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = False  # set per request when served over HTTPS
    SESSION_COOKIE_NAME = "federation_session"
    PERMANENT_SESSION_LIFETIME = timedelta(days=14)
    LOGIN_SESSION_LIFETIME = timedelta(days=14)
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    PREFERRED_URL_SCHEME = "http"
    SERVER_NAME = None
    # Base URL used in mails, where there is no request to take it from.
    EXTERNAL_URL = "http://127.0.0.1:5000"

    PASSWORD_HASH_METHOD = "scrypt"
    PASSWORD_MIN_LENGTH = 10

    WTF_CSRF_TIME_LIMIT = None  # the token lives as long as the session
    MAX_CONTENT_LENGTH = 2 * 1024 * 1024

    # Tokens sent by mail.
    EMAIL_TOKEN_LIFETIME = timedelta(hours=48)
    RESET_TOKEN_LIFETIME = timedelta(hours=2)

    # Rate limits (Flask-Limiter); in memory unless RATELIMIT_STORAGE_URI says Redis.
    RATELIMIT_ENABLED = True
    RATELIMIT_STORAGE_URI = "memory://"
    RATELIMIT_HEADERS_ENABLED = True
    RATELIMIT_LOGIN = "10 per minute;50 per hour"
    # Failed sign-ins per account from browsers that never signed into it;
    # the owner's own browsers are spared (federation/devices.py).
    RATELIMIT_LOGIN_ACCOUNT = "10 per minute;30 per hour"
    # Mails per account, whoever asks for them.
    RATELIMIT_RESET_MAILS = "3 per hour;10 per day"
    RATELIMIT_VERIFICATION_MAILS = "3 per hour;10 per day"
    RATELIMIT_PASSWORD_RESET = "5 per minute;20 per hour"
    RATELIMIT_REGISTER = "10 per hour"
    # The co-creation directory cannot be bulk-dumped, nor used to spam.
    RATELIMIT_DIRECTORY_SEARCH = "60 per minute;600 per hour"
    RATELIMIT_INTRODUCTION = "10 per minute;30 per hour"
    DIRECTORY_INTRODUCTIONS_PER_DAY = 10
    DIRECTORY_INVITATION_LIFETIME = timedelta(days=14)

    # Mail: written to the outbox in the action's transaction, delivered by the
    # job queue's worker (never by a web process). No MAIL_SERVER: mails stay in
    # the outbox, readable by admins.
    MAIL_SERVER: str | None = None
    MAIL_PORT = 25
    MAIL_USE_TLS = False
    MAIL_USE_SSL = False
    MAIL_USERNAME: str | None = None
    MAIL_PASSWORD: str | None = None
    MAIL_DEFAULT_SENDER = "企業アルムナイ運営者コミュニティ <noreply@federation.example.jp>"
    MAIL_TIMEOUT = 10
    MAIL_MAX_ATTEMPTS = 8
    MAIL_RETRY_SECONDS = 30  # first retry after this; doubling up to 6 hours
    MAIL_SUPPRESS_SEND = False  # the outbox decides; tests deliver to a real SMTP server

    # Job queue (Huey): sqlite:///path (embedded default, one machine),
    # redis://host:port/db (production, several workers and nodes), memory://
    # (tests that do not run a worker).
    QUEUE_URL = f"sqlite:///{INSTANCE_DIR / 'queue.sqlite3'}"
    QUEUE_WORKERS = 2
    QUEUE_NAME = "federation"  # namespace in the storage (several installations on one Redis)

    # Rendered layout fragments and label tables (federation/fragments.py):
    # redis://host:port/db shares them between workers and nodes; empty keeps
    # them in each process.
    CACHE_URL = ""

    # Reverse proxy and hosts: how many proxies set X-Forwarded-For/-Proto in
    # front of the app (nginx: 1), and the Host headers answered besides
    # EXTERNAL_URL's (None: any, outside production).
    PROXY_FIX_COUNT = 0
    TRUSTED_HOSTS: list[str] | None = None
    # Old keys still accepted for sessions signed before a key rotation.
    SECRET_KEY_FALLBACKS: list[str] = []

    # Logs: "text" (readable lines) or "json" (one JSON object per line).
    LOG_FORMAT = "text"
    LOG_LEVEL = "INFO"

    # Venue photos: checked by content, stored outside the web root.
    UPLOAD_DIR = str(INSTANCE_DIR / "uploads")
    PHOTO_MAX_BYTES = 1024 * 1024
    PHOTOS_PER_ASSET = 8

    # Retention: personal fields are erased this long after the record was
    # decided or expired (`flask privacy purge`).
    RETENTION_DECIDED_JOIN_REQUESTS = timedelta(days=90)
    RETENTION_CLOSED_APPLICATIONS = timedelta(days=180)
    RETENTION_EXPIRED_INVITATIONS = timedelta(days=30)
    # The knowledge hub (issue 16): attached templates, rate limits.
    # Below MAX_CONTENT_LENGTH, so the form still comes back with a message.
    KNOWLEDGE_ATTACHMENT_MAX_BYTES = 1536 * 1024
    KNOWLEDGE_UNZIPPED_MAX_BYTES = 50 * 1024 * 1024
    KNOWLEDGE_ATTACHMENTS_PER_ARTICLE = 10
    RATELIMIT_CONSULTATION_POST = "5 per hour;20 per day"
    RATELIMIT_CONSULTATION_REPLY = "20 per hour;100 per day"

    API_DEFAULT_PER_PAGE = 20
    API_MAX_PER_PAGE = 100

    HTTPS_REDIRECT = False
    # Adds X-Query-Count to responses (used by the benchmark).
    QUERY_COUNT_HEADER = False


class DevelopmentConfig(Config):
    DEBUG = False


class TestingConfig(Config):
    TESTING = True
    QUEUE_URL = "memory://"
    SECRET_KEY = "testing-secret"
    RATELIMIT_ENABLED = False
    WTF_CSRF_ENABLED = False
    # Fast hashing keeps the suite quick; production keeps scrypt.
    PASSWORD_HASH_METHOD = "pbkdf2:sha256:1000"


class ProductionConfig(Config):
    SECRET_KEY = None  # must come from the environment
    LOG_FORMAT = "json"
    SESSION_COOKIE_SECURE = True
    REMEMBER_COOKIE_SECURE = True
    PREFERRED_URL_SCHEME = "https"


CONFIGS = {
    "development": DevelopmentConfig,
    "testing": TestingConfig,
    "production": ProductionConfig,
}

# name -> parser for settings the environment may override
ENV_OVERRIDES = {
    "SECRET_KEY": str,
    "DATABASE_URL": str,
    "EXTERNAL_URL": str,
    "MAIL_SERVER": str,
    "MAIL_PORT": int,
    "MAIL_USE_TLS": lambda v: v.lower() in {"1", "true", "yes"},
    "MAIL_USE_SSL": lambda v: v.lower() in {"1", "true", "yes"},
    "MAIL_USERNAME": str,
    "MAIL_PASSWORD": str,
    "MAIL_DEFAULT_SENDER": str,
    "RATELIMIT_STORAGE_URI": str,
    "UPLOAD_DIR": str,
    "RATELIMIT_ENABLED": lambda v: v.lower() in {"1", "true", "yes"},
    "SESSION_COOKIE_SECURE": lambda v: v.lower() in {"1", "true", "yes"},
    "QUERY_COUNT_HEADER": lambda v: v.lower() in {"1", "true", "yes"},
    "QUEUE_URL": str,
    "MAIL_RETRY_SECONDS": int,
    "QUEUE_WORKERS": int,
    "QUEUE_NAME": str,
    "CACHE_URL": str,
    "PROXY_FIX_COUNT": int,
    "TRUSTED_HOSTS": lambda v: [h.strip() for h in v.split(",") if h.strip()],
    "SECRET_KEY_FALLBACKS": lambda v: [k.strip() for k in v.split(",") if k.strip()],
    "LOG_FORMAT": str,
    "LOG_LEVEL": str,
    "RATELIMIT_KEY_PREFIX": str,
}


class UnsafeConfiguration(RuntimeError):
    """Production refuses to start on settings that would be unsafe."""


def check_production(config) -> None:
    problems = []
    if not config.get("SECRET_KEY"):
        problems.append("SECRET_KEY is not set")
    if not str(config.get("EXTERNAL_URL", "")).startswith("https://"):
        problems.append("EXTERNAL_URL must be an https:// URL")
    if str(config.get("RATELIMIT_STORAGE_URI", "")).startswith("memory"):
        problems.append("RATELIMIT_STORAGE_URI is per-process memory; use redis://")
    if str(config.get("QUEUE_URL", "")).startswith("memory"):
        problems.append("QUEUE_URL is per-process memory; use redis:// (or sqlite:// on one machine)")
    if problems:
        raise UnsafeConfiguration("Refusing to start in production: " + "; ".join(problems))


def trusted_hosts(config) -> list[str] | None:
    """EXTERNAL_URL's host plus TRUSTED_HOSTS; in production always a list."""
    from urllib.parse import urlsplit

    listed = config.get("TRUSTED_HOSTS")
    if listed is None and not config.get("PRODUCTION"):
        return None
    external = urlsplit(config.get("EXTERNAL_URL") or "").hostname
    return sorted({*(listed or []), *([external] if external else [])})


def normalise_database_url(url: str) -> str:
    """Accept the common `postgres://` and `postgresql://` spellings; use psycopg 3."""
    if url.startswith("postgres://"):
        url = "postgresql://" + url[len("postgres://") :]
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://") :]
    return url


def load_config(app, config: str | type | dict | None) -> None:
    name = os.environ.get("FEDERATION_CONFIG", "development")
    if isinstance(config, str):
        name = config
    base = config if isinstance(config, type) else CONFIGS[name]
    app.config.from_object(base)
    for key, parse in ENV_OVERRIDES.items():
        raw = os.environ.get(key)
        if raw is None or raw == "":
            continue
        if key == "DATABASE_URL":
            app.config["SQLALCHEMY_DATABASE_URI"] = raw
        else:
            app.config[key] = parse(raw)
    if isinstance(config, dict):
        app.config.update(config)
    app.config["SQLALCHEMY_DATABASE_URI"] = normalise_database_url(app.config["SQLALCHEMY_DATABASE_URI"])
    app.config["PRODUCTION"] = issubclass(base, ProductionConfig)
    if app.config["PRODUCTION"]:
        check_production(app.config)
    if not app.config.get("SECRET_KEY"):
        raise RuntimeError("SECRET_KEY must be set (environment variable SECRET_KEY)")
    app.config["TRUSTED_HOSTS"] = trusted_hosts(app.config)
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        # SQLite: one writer at a time; wait for the lock instead of failing.
        app.config["SQLALCHEMY_ENGINE_OPTIONS"] = {
            **app.config.get("SQLALCHEMY_ENGINE_OPTIONS", {}),
            "connect_args": {"timeout": 30},
        }
    elif app.config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql"):
        # No JIT: it is meant for long analytical queries. The directory's
        # per-row subqueries have huge estimated costs, so PostgreSQL spent
        # ~170 ms compiling a query that runs in 4 ms.
        app.config["SQLALCHEMY_ENGINE_OPTIONS"] = {
            **app.config.get("SQLALCHEMY_ENGINE_OPTIONS", {}),
            "connect_args": {"options": "-c jit=off"},
        }
