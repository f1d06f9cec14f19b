"""Django settings for Ledelsesrum.

Everything that differs between installations comes from the environment:

- ``LEDELSESRUM_DATA_DIR``      where the embedded SQLite database, job queue and uploads live
                                (default ``./data``).
- ``LEDELSESRUM_DATABASE_URL``  (or ``DATABASE_URL``) switches to PostgreSQL,
                                e.g. ``postgres://postgres@127.0.0.1:5432/ledelsesrum``.
- ``LEDELSESRUM_SECRET_KEY``    required when ``LEDELSESRUM_DEBUG`` is off in production.
- ``LEDELSESRUM_REDIS_URL``     runs the job queue on Redis instead of the embedded SQLite queue.
- ``LEDELSESRUM_EMAIL_*``       SMTP settings; by default mail is printed to the console.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

import dj_database_url

BASE_DIR = Path(__file__).resolve().parent
DATA_DIR = Path(os.environ.get("LEDELSESRUM_DATA_DIR", Path.cwd() / "data")).resolve()
# Everything this process writes (database, job queue, embeddings, report PDFs, staged uploads)
# holds personal data: private to the service's user (0700 folders, 0600 files).
os.umask(0o077)
DATA_DIR.mkdir(parents=True, exist_ok=True, mode=0o700)
try:
    if DATA_DIR.stat().st_uid == os.getuid():
        DATA_DIR.chmod(0o700)
except OSError:  # a read-only mount; the files' own modes still apply
    pass


def _env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _secret_key() -> str:
    key = os.environ.get("LEDELSESRUM_SECRET_KEY")
    if key:
        return key
    # A key generated once per data folder keeps sessions and signed links valid across restarts.
    key_file = DATA_DIR / "secret_key"
    if not key_file.exists():
        key_file.write_text(secrets.token_urlsafe(50))
        key_file.chmod(0o600)
    return key_file.read_text().strip()


SECRET_KEY = _secret_key()
DEBUG = _env_bool("LEDELSESRUM_DEBUG", False)
ALLOWED_HOSTS = os.environ.get("LEDELSESRUM_ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]").split(",")
CSRF_TRUSTED_ORIGINS = [
    o for o in os.environ.get("LEDELSESRUM_CSRF_TRUSTED_ORIGINS", "").split(",") if o
]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "axes",
    "csp",
    # Before accounts: its admin module unregisters the TOTP admin these register.
    "django_otp",
    "django_otp.plugins.otp_totp",
    "huey.contrib.djhuey",
    # The frame of a study (themes, sub-themes): reference data the apps below read.
    "ledelsesrum.frame",
    "ledelsesrum.accounts",
    "ledelsesrum.jobs",
    "ledelsesrum.organisation",
    "ledelsesrum.studies",
    "ledelsesrum.surveys",
    "ledelsesrum.analysis",
    "ledelsesrum.coding",
    "ledelsesrum.interviews",
    "ledelsesrum.knowledge",
    "ledelsesrum.reports",
    "ledelsesrum.followup",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "ledelsesrum.lib.middleware.DanishFirstLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "ledelsesrum.accounts.session_timeout.SessionTimeoutMiddleware",
    "ledelsesrum.accounts.two_factor.SecondFactorMiddleware",
    "ledelsesrum.lib.middleware.PrivateResponseMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "ledelsesrum.lib.middleware.UploadTooLargeMiddleware",
    "ledelsesrum.lib.middleware.DanishMethodNotAllowedMiddleware",
    # Axes must be last so that it sees the result of authentication.
    "axes.middleware.AxesMiddleware",
]

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

ROOT_URLCONF = "ledelsesrum.urls"
WSGI_APPLICATION = "ledelsesrum.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "ledelsesrum.accounts.context_processors.roles",
            ],
            "builtins": ["ledelsesrum.lib.danish_dates"],
        },
    },
]

_database_url = os.environ.get("LEDELSESRUM_DATABASE_URL") or os.environ.get("DATABASE_URL")
if _database_url:
    DATABASES = {"default": dj_database_url.parse(_database_url, conn_max_age=60)}
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": DATA_DIR / "ledelsesrum.sqlite3",
            "OPTIONS": {
                # WAL lets respondents save while an analyst reads; IMMEDIATE avoids
                # "database is locked" on concurrent writers; busy timeout waits instead of failing.
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
                "init_command": (
                    "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=20000;"
                ),
            },
            "TEST": {"NAME": DATA_DIR / "test-ledelsesrum.sqlite3"},
        }
    }

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

PASSWORD_HASHERS = [
    # 600,000 iterations (accounts/hashers.py). Django's own PBKDF2 hasher is not listed: it has
    # the same algorithm name, and ours verifies hashes of any iteration count.
    "ledelsesrum.accounts.hashers.PBKDF2Hasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    # ASVS 4.0 V2.1.1: at least 12 characters.
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "da"
LANGUAGES = [("da", "Dansk"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Copenhagen"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = DATA_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)
STATICFILES_DIRS = [BASE_DIR / "static"]
# Serve straight from the app folders: no collectstatic step for a single-analyst install.
WHITENOISE_USE_FINDERS = True

MEDIA_ROOT = DATA_DIR / "uploads"

LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "studies:list"
LOGOUT_REDIRECT_URL = "accounts:login"

# Idle timeout and an absolute cap (accounts/session_timeout.py); the cookie itself lasts no longer.
SESSION_IDLE_TIMEOUT_SECONDS = int(os.environ.get("LEDELSESRUM_SESSION_IDLE_MINUTES", "30")) * 60
SESSION_ABSOLUTE_TIMEOUT_SECONDS = int(os.environ.get("LEDELSESRUM_SESSION_MAX_HOURS", "10")) * 3600
SESSION_COOKIE_AGE = SESSION_ABSOLUTE_TIMEOUT_SECONDS
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SECURE = _env_bool("LEDELSESRUM_SECURE_COOKIES", False)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
# Content-Security-Policy (django-csp): scripts, styles and images from this server only, no
# inline script or style, no eval, no framing, forms post only here. tests/…/test_csp_browser.py
# opens the pages in Chromium and fails on any violation.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    },
}
SECURE_REFERRER_POLICY = "same-origin"
# HSTS once the installation is served over HTTPS only (e.g. 31536000 for a year).
SECURE_HSTS_SECONDS = int(os.environ.get("LEDELSESRUM_HSTS_SECONDS", "0") or 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = _env_bool("LEDELSESRUM_HSTS_SUBDOMAINS", False)

# Uploads: a leader list or a response file is a few MB at most. Anything above the limit gets
# a clear Danish message (see lib.middleware) rather than a bare 400.
MAX_UPLOAD_BYTES = int(os.environ.get("LEDELSESRUM_MAX_UPLOAD_BYTES", 20 * 1024 * 1024))
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# Brute-force protection on the login form.
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = 0.25  # hours
# Lock the pair (user name, address): a stranger cannot lock an analyst out from elsewhere, and
# behind a proxy each client has its own address (``LEDELSESRUM_TRUSTED_PROXIES``, see client_ip).
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
# A failed attempt while locked out does not restart the cool-off (no endless lockout).
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_RESET_ON_SUCCESS = True
AXES_CLIENT_IP_CALLABLE = "ledelsesrum.accounts.client_ip.client_ip"
TRUSTED_PROXY_COUNT = int(os.environ.get("LEDELSESRUM_TRUSTED_PROXIES", "0") or 0)
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
# The optional second factor (accounts/two_factor.py): the name the authenticator app shows.
OTP_TOTP_ISSUER = "Ledelsesrum"

# Background jobs: Huey on an embedded SQLite file by default, Redis at scale.
_redis_url = os.environ.get("LEDELSESRUM_REDIS_URL")
HUEY = {
    "name": "ledelsesrum",
    "immediate": _env_bool("LEDELSESRUM_JOBS_IMMEDIATE", False),
    "consumer": {"workers": 2, "worker_type": "thread"},
}
if _redis_url:
    HUEY.update({"huey_class": "huey.RedisHuey", "url": _redis_url})
else:
    HUEY.update({"huey_class": "huey.SqliteHuey", "filename": str(DATA_DIR / "jobs.sqlite3")})

if os.environ.get("LEDELSESRUM_EMAIL_HOST"):
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_HOST = os.environ["LEDELSESRUM_EMAIL_HOST"]
    EMAIL_PORT = int(os.environ.get("LEDELSESRUM_EMAIL_PORT", 587))
    EMAIL_HOST_USER = os.environ.get("LEDELSESRUM_EMAIL_USER", "")
    EMAIL_HOST_PASSWORD = os.environ.get("LEDELSESRUM_EMAIL_PASSWORD", "")
    EMAIL_USE_TLS = _env_bool("LEDELSESRUM_EMAIL_TLS", True)
else:
    # Console output without the personal links (they are credentials; see lib/mail.py).
    EMAIL_BACKEND = "ledelsesrum.lib.mail.RedactingConsoleBackend"
DEFAULT_FROM_EMAIL = os.environ.get("LEDELSESRUM_FROM_EMAIL", "ledelsesrum@localhost")
# Absolute base for the personal links in e-mails and link exports. Unset, links follow the address
# the analyst reached the app at (the request), else the address `ledelsesrum serve` listens on
# (SERVED_URL, set by serve); with neither, exporting links is refused with a Danish message.
SITE_URL = os.environ.get("LEDELSESRUM_SITE_URL", "").rstrip("/")
SERVED_URL = ""

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    # Never log request bodies: they hold answers.
    "loggers": {
        "django.request": {"handlers": ["console"], "level": "ERROR", "propagate": False},
        "ledelsesrum": {"handlers": ["console"], "level": "INFO"},
    },
}
