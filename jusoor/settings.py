"""Jusoor settings: one module, filled from environment variables.

Nothing set means a local demo on SQLite. ``JUSOOR_ENV=production`` turns on the strict checks
(secret key, encryption key, allowed hosts, secure cookies) and fails at start-up when one is missing.
See docs/configuration.md for every variable.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent


def env(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in env(name, default).split(",") if item.strip()]


JUSOOR_ENV = env("JUSOOR_ENV", "development")
PRODUCTION = JUSOOR_ENV == "production"
DEBUG = env_bool("DEBUG", not PRODUCTION)

SECRET_KEY = env("SECRET_KEY")
if not SECRET_KEY:
    if PRODUCTION:
        raise ImproperlyConfigured("SECRET_KEY must be set when JUSOOR_ENV=production.")
    SECRET_KEY = "insecure-development-key-not-for-production"  # noqa: S105

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "" if PRODUCTION else "127.0.0.1,localhost,testserver")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "axes",
    "jusoor.core",
    "jusoor.accounts",
    "jusoor.geo",
    "jusoor.programmes",
    "jusoor.people",
    "jusoor.events",
    "jusoor.surveys",
    "jusoor.surveys.analysis",
    "jusoor.library",
    "jusoor.dialogue",
    "jusoor.reports",
    "django_tasks",
    "django_tasks_db",
    "jusoor.jobs",
    "jusoor.research",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "jusoor.core.middleware.SecurityHeadersMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "jusoor.accounts.middleware.TwoFactorRequiredMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, as django-axes asks: it turns a locked-out sign-in into the lockout page.
    "axes.middleware.AxesMiddleware",
]

if PRODUCTION:
    # Static files straight from the app processes, compressed and cached forever.
    MIDDLEWARE.insert(1, "whitenoise.middleware.WhiteNoiseMiddleware")

ROOT_URLCONF = "jusoor.urls"
WSGI_APPLICATION = "jusoor.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "jusoor" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
            ],
        },
    },
]

# Storage: SQLite unless DATABASE_URL names another database.
DATA_DIR = Path(env("JUSOOR_DATA_DIR", str(BASE_DIR / "var")))
DATABASE_URL = env("DATABASE_URL")
if DATABASE_URL:
    DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60)}
else:
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": str(DATA_DIR / "jusoor.sqlite3"),
            # Kept open between requests: a new connection re-reads the whole schema and
            # re-runs the PRAGMAs, which doubled the CPU cost of an ODK submission.
            "CONN_MAX_AGE": 600,
            "OPTIONS": {
                # WAL lets readers work while one writer writes; IMMEDIATE avoids the upgrade
                # deadlock of deferred transactions under concurrent writers.
                "init_command": (
                    "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;"
                ),
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
            },
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
# Background jobs queue in the database; `python manage.py worker` runs them (docs/jobs.md).
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

AUTH_USER_MODEL = "accounts.User"
FORMS_URLFIELD_ASSUME_HTTPS = True
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Sign-in throttling: after 5 failures for one account from one address, that pair waits 15 minutes.
AXES_FAILURE_LIMIT = int(env("JUSOOR_LOGIN_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = float(env("JUSOOR_LOGIN_COOLOFF_HOURS", "0.25"))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_VERBOSE = False
AXES_IPWARE_META_PRECEDENCE_ORDER = ["HTTP_X_REAL_IP", "REMOTE_ADDR"]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "programmes:workspace"
LOGOUT_REDIRECT_URL = "programmes:home"
# Argon2 for new and changed passwords; older hashes are upgraded at the next sign-in.
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
# Roles listed in an organisation's two_factor_roles must use an authenticator app.
TWO_FACTOR_ENFORCED = env_bool("JUSOOR_TWO_FACTOR", True)
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Arabic first: Arabic is the default language and the interface is right to left.
LANGUAGE_CODE = "ar"
LANGUAGES = [("ar", _("Arabic")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "jusoor" / "locale"]
LANGUAGE_COOKIE_NAME = "jusoor_language"
LANGUAGE_COOKIE_AGE = 365 * 24 * 3600
TIME_ZONE = env("TIME_ZONE", "Asia/Baghdad")
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "jusoor" / "static"]
STATIC_ROOT = Path(env("STATIC_ROOT", str(DATA_DIR / "static")))
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env("MEDIA_ROOT", str(DATA_DIR / "media")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}

# Personal data is encrypted with a key from the environment or a key file (see core/crypto.py).
PII_KEY = env("JUSOOR_PII_KEY")
PII_KEY_FILE = env("JUSOOR_PII_KEY_FILE", "" if PRODUCTION else str(DATA_DIR / "pii.key"))

# Aggregates that leave the workspace hide cells smaller than this many people.
SMALL_CELL_THRESHOLD = int(env("JUSOOR_SMALL_CELL_THRESHOLD", "5"))

# The library refuses uploads larger than this many megabytes.
LIBRARY_MAX_UPLOAD_MB = int(env("JUSOOR_LIBRARY_MAX_UPLOAD_MB", "50"))

# Youth, for reach figures: from and to this age, inclusive ("15-29").
JUSOOR_YOUTH_AGE_BAND = tuple(int(x) for x in env("JUSOOR_YOUTH_AGE_BAND", "15-29").split("-"))

# Calls per minute for one API token; past that the API answers 429.
API_RATE_LIMIT_PER_MINUTE = int(env("JUSOOR_API_RATE_LIMIT_PER_MINUTE", "120"))

# Public registration and feedback forms: submissions per client address and per event within
# the window (seconds), then 429 (docs/events.md).
JUSOOR_PUBLIC_FORM_PER_EVENT = int(env("JUSOOR_PUBLIC_FORM_PER_EVENT", "20"))
JUSOOR_PUBLIC_FORM_PER_ADDRESS = int(env("JUSOOR_PUBLIC_FORM_PER_ADDRESS", "60"))
JUSOOR_PUBLIC_FORM_WINDOW = int(env("JUSOOR_PUBLIC_FORM_WINDOW", "600"))

# Surveys filled by respondents through a public link: posts (saves and submissions) per client
# address on one form, and across every form, within JUSOOR_PUBLIC_FORM_WINDOW; then 429
# (docs/self-completion.md). A classroom behind one address must get through.
JUSOOR_SELF_COMPLETION_PER_FORM = int(env("JUSOOR_SELF_COMPLETION_PER_FORM", "120"))
JUSOOR_SELF_COMPLETION_PER_ADDRESS = int(env("JUSOOR_SELF_COMPLETION_PER_ADDRESS", "300"))

# OpenRosa submissions larger than this many bytes answer 413.
JUSOOR_SUBMISSION_MAX_BYTES = int(env("JUSOOR_SUBMISSION_MAX_BYTES", str(10 * 1024 * 1024)))
# What an app token reaches is read again at most this often per server process (surveys.access).
JUSOOR_TOKEN_GRANT_SECONDS = float(env("JUSOOR_TOKEN_GRANT_SECONDS", "3"))

# Retention periods in days per dataset (docs/security.md), as JSON: for every organisation
# ({"surveys.web_drafts": 30}) and per organisation slug ({"shams": {"surveys.web_drafts": 30}}).
JUSOOR_RETENTION_DAYS = json.loads(env("JUSOOR_RETENTION_DAYS", "{}"))
JUSOOR_RETENTION_BY_ORGANISATION = json.loads(env("JUSOOR_RETENTION_BY_ORGANISATION", "{}"))

# Cache (rate limits of the public forms): local memory in each process by default; with
# REDIS_URL (for example redis://127.0.0.1:6379/0) every process shares one count.
REDIS_URL = env("REDIS_URL")
CACHES = {
    "default": (
        {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
        if REDIS_URL
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "jusoor"}
    )
}

# E-mail (password reset links): printed on the console unless EMAIL_HOST names a server.
EMAIL_HOST = env("EMAIL_HOST")
EMAIL_PORT = int(env("EMAIL_PORT", "587"))
EMAIL_HOST_USER = env("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env("EMAIL_USE_TLS", "on") != "off"
EMAIL_BACKEND = (
    "django.core.mail.backends.smtp.EmailBackend"
    if EMAIL_HOST
    else "django.core.mail.backends.console.EmailBackend"
)
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", "jusoor@localhost")

SESSION_COOKIE_AGE = int(env("SESSION_COOKIE_AGE", str(8 * 3600)))
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if PRODUCTION:
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    LANGUAGE_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = int(env("SECURE_HSTS_SECONDS", str(365 * 24 * 3600)))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)
    if not ALLOWED_HOSTS:
        raise ImproperlyConfigured("ALLOWED_HOSTS must be set when JUSOOR_ENV=production.")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", "WARNING")},
}
