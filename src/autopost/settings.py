"""autopost settings: every value comes from the environment (or a .env file) in this one place.

The README lists each variable with its default.
"""

import os
import secrets
import warnings
from pathlib import Path

import dj_database_url
from dotenv import load_dotenv

from autopost.conf import env, envbool, envfloat, envint, envints

load_dotenv(os.environ.get("AUTOPOST_ENV_FILE", ".env"))

BASE_DIR = Path(__file__).resolve().parent
DATA_DIR = Path(env("AUTOPOST_DATA_DIR", "./.autopost")).resolve()
DATA_DIR.mkdir(parents=True, exist_ok=True)

DEBUG = envbool("AUTOPOST_DEBUG", False)
SANDBOX = envbool("AUTOPOST_SANDBOX", False)


def _secret_file(name: str, make) -> str:
    """A secret generated once into the data folder (mode 0600) for the embedded default."""
    path = DATA_DIR / name
    if not path.exists():
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as fh:
            fh.write(make())
    return path.read_text().strip()


SECRET_KEY = env("AUTOPOST_SECRET_KEY") or _secret_file(
    "django_secret_key", lambda: secrets.token_urlsafe(50)
)

# Platform tokens are encrypted with this key (32 bytes, hex). In production a configured key is
# required (a system check refuses to start); with DEBUG or the sandbox platforms (the demo, whose
# tokens are the emulators') one is generated into the data folder.
PLATFORM_TOKEN_SECRET = env("PLATFORM_TOKEN_SECRET")
PLATFORM_TOKEN_SECRET_GENERATED = False
if not PLATFORM_TOKEN_SECRET and (DEBUG or SANDBOX):
    PLATFORM_TOKEN_SECRET = _secret_file("platform_token_secret", lambda: secrets.token_hex(32))
    PLATFORM_TOKEN_SECRET_GENERATED = True
    warnings.warn(
        "PLATFORM_TOKEN_SECRET is not set: using a key generated into the data folder. "
        "Set it explicitly in production.",
        stacklevel=1,
    )
PLATFORM_TOKEN_SECRET_PREVIOUS = [
    key.strip() for key in (env("PLATFORM_TOKEN_SECRET_PREVIOUS") or "").split(",") if key.strip()
]

PORT = envint("AUTOPOST_PORT", 8000)
PUBLIC_URL = (env("AUTOPOST_PUBLIC_URL") or f"http://127.0.0.1:{PORT}").rstrip("/")
ALLOWED_HOSTS = [h.strip() for h in (env("AUTOPOST_ALLOWED_HOSTS") or "*").split(",")]
CSRF_TRUSTED_ORIGINS = [PUBLIC_URL]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "huey.contrib.djhuey",
    "django_htmx",
    "autopost.observability",
    "autopost.accounts",
    "autopost.clips",
    "autopost.connections",
    "autopost.publishing",
    "autopost.notifications",
    "autopost.web",
    "autopost.sandbox",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "autopost.web.middleware.LanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "autopost.urls"
WSGI_APPLICATION = "autopost.wsgi.application"
ASGI_APPLICATION = "autopost.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "autopost.web.context.navigation",
                "autopost.notifications.context_processors.unread_notifications",
            ],
        },
    },
]

DATABASE_URL = env("DATABASE_URL")
if DATABASE_URL:
    DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60)}
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": Path(env("AUTOPOST_SQLITE_PATH") or DATA_DIR / "autopost.sqlite3"),
            "OPTIONS": {
                # WAL lets the web server read while the worker writes; IMMEDIATE takes the write
                # lock at BEGIN so two writers queue on the busy timeout instead of deadlocking.
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
                "transaction_mode": "IMMEDIATE",
                "timeout": 30,
            },
            # A file, not memory, so worker and server processes started by tests share it.
            "TEST": {"NAME": str(DATA_DIR / "test.sqlite3")},
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

CACHE_URL = env("CACHE_URL")
if CACHE_URL:
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": CACHE_URL}
    }
else:
    # Shared by the web server and the worker processes: never LocMem.
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "autopost_cache",
        }
    }

QUEUE_URL = env("AUTOPOST_QUEUE_URL")
_consumer = {
    "workers": envint("AUTOPOST_WORKER_THREADS", 4),
    "worker_type": "thread",
    "scheduler_interval": 1,
    "check_worker_health": True,
    # SqliteHuey polls; its default back-off reaches 10 s when idle. Keep pickup under ~0.5 s.
    "initial_delay": 0.05,
    "backoff": 1.15,
    "max_delay": 0.5,
}
if QUEUE_URL:
    HUEY = {
        "huey_class": "huey.RedisHuey",
        "name": env("AUTOPOST_QUEUE_NAME", "autopost"),
        "url": QUEUE_URL,
        "immediate": False,
        "consumer": _consumer,
    }
else:
    HUEY = {
        "huey_class": "huey.SqliteHuey",
        "name": env("AUTOPOST_QUEUE_NAME", "autopost"),
        "filename": str(DATA_DIR / "queue.sqlite3"),
        "immediate": False,
        "consumer": _consumer,
    }

AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]

LANGUAGE_CODE = "ru"
LANGUAGES = [("ru", "Русский"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = env("AUTOPOST_TIME_ZONE", "Europe/Moscow")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
WHITENOISE_USE_FINDERS = True  # serve app static files without a collectstatic step
STATIC_ROOT = DATA_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)  # whitenoise warns on every request when it is missing
MEDIA_ROOT = Path(env("AUTOPOST_MEDIA_DIR") or DATA_DIR / "media").resolve()
MEDIA_URL = "media/"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
# Large clips are spooled to disk while they upload, never held in memory.
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
FILE_UPLOAD_TEMP_DIR = None
AUTOPOST_MAX_CLIP_BYTES = envint("AUTOPOST_MAX_CLIP_BYTES", 4 * 1024 * 1024 * 1024)

SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"

# --- publishing ---------------------------------------------------------------------------------
RETRY_DELAYS = envints("AUTOPOST_RETRY_DELAYS", "300,900,3600")
PUBLISH_LEASE_SECONDS = envint("AUTOPOST_PUBLISH_LEASE_SECONDS", 120)
SWEEPER_INTERVAL_SECONDS = envint("AUTOPOST_SWEEPER_INTERVAL_SECONDS", 60)
# A RateLimited wait shorter than this is slept in the worker; a longer one re-delays the job.
RATE_LIMIT_MAX_INLINE_WAIT = envfloat("AUTOPOST_RATE_LIMIT_MAX_INLINE_WAIT", 5.0)
# Stats of published publications: how often the collector looks for due ones, and its threads
# per worker (a queue of their own, so stats never hold a publish thread).
STATS_INTERVAL_SECONDS = envint("AUTOPOST_STATS_INTERVAL_SECONDS", 300)
STATS_WORKER_THREADS = envint("AUTOPOST_STATS_WORKER_THREADS", 1)
PUBLISH_RATE_PER_USER = env("AUTOPOST_PUBLISH_RATE", "20/minute")
CONNECT_RATE_PER_USER = env("AUTOPOST_CONNECT_RATE", "5/hour")
# Due work nobody claimed for this long is reported by the watchdog (log, event, owner's page).
AUTOPOST_WATCHDOG_SECONDS = envint("AUTOPOST_WATCHDOG_SECONDS", 120)

# --- e-mail (owner notifications) ---------------------------------------------------------------
# Printed to the console unless an SMTP host is configured.
EMAIL_HOST = env("AUTOPOST_EMAIL_HOST") or ""
EMAIL_BACKEND = env("AUTOPOST_EMAIL_BACKEND") or (
    "django.core.mail.backends.smtp.EmailBackend" if EMAIL_HOST else "django.core.mail.backends.console.EmailBackend"
)
EMAIL_USE_SSL = envbool("AUTOPOST_EMAIL_USE_SSL", False)  # implicit TLS (port 465)
EMAIL_USE_TLS = envbool("AUTOPOST_EMAIL_USE_TLS", not EMAIL_USE_SSL)  # STARTTLS (port 587)
EMAIL_PORT = envint("AUTOPOST_EMAIL_PORT", 465 if EMAIL_USE_SSL else 587)
EMAIL_HOST_USER = env("AUTOPOST_EMAIL_USER") or ""
EMAIL_HOST_PASSWORD = env("AUTOPOST_EMAIL_PASSWORD") or ""
# A worker sends notifications between attempts: a dead mail server must not hold it for long.
EMAIL_TIMEOUT = envint("AUTOPOST_EMAIL_TIMEOUT", 10)
DEFAULT_FROM_EMAIL = env("AUTOPOST_EMAIL_FROM") or "autopost <noreply@localhost>"
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- platforms ----------------------------------------------------------------------------------
SANDBOX_URL = (env("AUTOPOST_SANDBOX_URL") or "http://127.0.0.1:8001").rstrip("/")


def _platform_url(name: str, real: str, sandbox_path: str) -> str:
    configured = env(name)
    if configured:
        return configured.rstrip("/")
    return f"{SANDBOX_URL}{sandbox_path}" if SANDBOX else real


TELEGRAM_API_URL = _platform_url("AUTOPOST_TELEGRAM_API_URL", "https://api.telegram.org", "/telegram")
TELEGRAM_LOCAL_API = envbool("AUTOPOST_TELEGRAM_LOCAL_API", False)
VK_API_URL = _platform_url("AUTOPOST_VK_API_URL", "https://api.vk.ru", "/vk")
VK_OAUTH_URL = _platform_url("AUTOPOST_VK_OAUTH_URL", "https://id.vk.com", "/vk-id")
VK_LEGACY_OAUTH_URL = _platform_url("AUTOPOST_VK_LEGACY_OAUTH_URL", "https://oauth.vk.com", "/vk-oauth")
# The VK ID app (id.vk.com → "Мои приложения"); without it only pasted user tokens can connect.
VK_CLIENT_ID = env("AUTOPOST_VK_CLIENT_ID") or ("51234567" if SANDBOX else "")
VK_API_VERSION = env("AUTOPOST_VK_API_VERSION", "5.199")
# shortVideo.publish answers error 3001 while VK processes a Clip: poll this often, this many times.
VK_CLIP_POLL_SECONDS = envfloat("AUTOPOST_VK_CLIP_POLL_SECONDS", 10.0)
VK_CLIP_POLL_ATTEMPTS = envint("AUTOPOST_VK_CLIP_POLL_ATTEMPTS", 12)
RUTUBE_API_URL = _platform_url("AUTOPOST_RUTUBE_API_URL", "https://rutube.ru", "/rutube")
DZEN_URL = _platform_url("AUTOPOST_DZEN_URL", "https://dzen.ru", "/dzen")
# Public sites the post and channel links shown to people point at; the sandbox serves its own
# pages there (Rutube and Дзен share the API's host, as on the real sites).
VK_WEB_URL = _platform_url("AUTOPOST_VK_WEB_URL", "https://vk.com", "/vk-web")
TELEGRAM_WEB_URL = _platform_url("AUTOPOST_TELEGRAM_WEB_URL", "https://t.me", "/telegram-web")
RUTUBE_WEB_URL = _platform_url("AUTOPOST_RUTUBE_WEB_URL", "https://rutube.ru", "/rutube")
DZEN_WEB_URL = _platform_url("AUTOPOST_DZEN_WEB_URL", "https://dzen.ru", "/dzen")
# Rutube downloads clips from a signed link on AUTOPOST_PUBLIC_URL that stays valid this long.
SIGNED_URL_TTL_SECONDS = envint("AUTOPOST_SIGNED_URL_TTL_SECONDS", 6 * 3600)
RUTUBE_POLL_SECONDS = envfloat("AUTOPOST_RUTUBE_POLL_SECONDS", 10.0)
RUTUBE_POLL_ATTEMPTS = envint("AUTOPOST_RUTUBE_POLL_ATTEMPTS", 180)
DZEN_POLL_SECONDS = envfloat("AUTOPOST_DZEN_POLL_SECONDS", 5.0)
DZEN_POLL_ATTEMPTS = envint("AUTOPOST_DZEN_POLL_ATTEMPTS", 120)
DZEN_TUS_CHUNK_BYTES = envint("AUTOPOST_DZEN_TUS_CHUNK_BYTES", 4 * 1024 * 1024)

HTTP_CONNECT_TIMEOUT = envfloat("AUTOPOST_HTTP_CONNECT_TIMEOUT", 10.0)
HTTP_READ_TIMEOUT = envfloat("AUTOPOST_HTTP_READ_TIMEOUT", 60.0)
# Uploads stream large bodies: the write timeout applies per chunk, the whole upload is bounded
# by the lease heartbeat instead.
HTTP_WRITE_TIMEOUT = envfloat("AUTOPOST_HTTP_WRITE_TIMEOUT", 60.0)

# --- observability ------------------------------------------------------------------------------
LOG_FORMAT = env("AUTOPOST_LOG_FORMAT", "json")
LOG_LEVEL = env("AUTOPOST_LOG_LEVEL", "INFO")
LOGGING_CONFIG = None  # structlog is configured in autopost.observability.logging
# /metrics answers a bearer token, or any address in these networks (a local Prometheus).
METRICS_TOKEN = env("AUTOPOST_METRICS_TOKEN") or ""
# CIDRs, checked at start-up (autopost.observability.checks).
METRICS_ALLOW = [
    net.strip()
    for net in (env("AUTOPOST_METRICS_ALLOW", "127.0.0.1/32,::1/128") or "").split(",")
    if net.strip()
]
# Metrics are read from the database at scrape time; this many seconds of reuse keep scrapes cheap.
METRICS_CACHE_SECONDS = envfloat("AUTOPOST_METRICS_CACHE_SECONDS", 5.0)
# Token refresh and stats sync rows are kept this long for people to look into (a daily task
# prunes them); the counters built from them live on in observability's MetricTotal.
METRICS_RETENTION_DAYS = envint("AUTOPOST_METRICS_RETENTION_DAYS", 7)
WORKER_HEARTBEAT_SECONDS = envfloat("AUTOPOST_WORKER_HEARTBEAT_SECONDS", 10.0)
# /readyz fails when no worker has beaten for this long: a queue nobody consumes is not ready.
READY_HEARTBEAT_SECONDS = envint("AUTOPOST_READY_HEARTBEAT_SECONDS", 60)

NINJA_PAGINATION_PER_PAGE = 50
