"""ChurnGuard settings, read from the environment.

With nothing set, the app runs embedded: SQLite and Celery tasks executed eagerly, so a newcomer
needs nothing installed. DATABASE_URL and REDIS_URL switch to PostgreSQL and a real broker.
Every variable is listed with a comment in .env.example.
"""

from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP
from django.utils.translation import gettext_lazy as _

from churnguard.env import env_bool, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent

# Off unless asked for: `make run` and the test settings set DEBUG=1.
DEBUG = env_bool("DEBUG", default=False)
SECRET_KEY = env_str("SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off")
    SECRET_KEY = "dev-only-insecure-key-change-me"  # development default only
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]", "testserver"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "teams",
    "accounts",
    "risk",
    "tasks",
    "playbooks",
    "alerts",
    # Above every app: pages that compose them (the triage list, the account page, the demo).
    "workspace",
    # Login throttling; after our apps so its lockout page can use our templates.
    "axes",
    # Ninja's vendored Swagger UI assets: the API docs page loads nothing from a CDN.
    "ninja",
    "api",
    "webhooks",
    "dataio",
    "analytics",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Serves the vendored static files from gunicorn in production (no CDN, no extra server).
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "teams.middleware.UserLanguageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "churnguard.middleware.SiteNotFoundMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    # Last, as django-axes requires: it turns a locked-out login into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "churnguard.urls"
WSGI_APPLICATION = "churnguard.wsgi.application"

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
            ],
            # Dates, money and percentages per locale: {% load formats %}.
            "libraries": {"formats": "churnguard.templatetags.formats"},
        },
    },
    {
        # Only for hot fragments named `*.jinja` (the triage rows), where Django's engine cost
        # most of the page: Jinja2 renders the same autoescaped markup about four times faster.
        "BACKEND": "django.template.backends.jinja2.Jinja2",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": False,
        "OPTIONS": {"environment": "churnguard.jinja2.environment"},
    },
]

# Persistent connections: reconnecting per request costs ~4x on a small page
# (docs/performance.md).
CONN_MAX_AGE = env_int("CONN_MAX_AGE", 60)
DATABASE_URL = env_str("DATABASE_URL")
if DATABASE_URL:
    DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=CONN_MAX_AGE)}
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": str(BASE_DIR / env_str("SQLITE_PATH", "db.sqlite3")),
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "teams.User"
# Axes first: it refuses a locked-out username before any password is checked.
AUTHENTICATION_BACKENDS = ["axes.backends.AxesStandaloneBackend", "teams.auth.CachedModelBackend"]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "accounts:list"
LOGOUT_REDIRECT_URL = "login"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]

LANGUAGE_CODE = "en"
# English in two regional variants so that a browser in en-US and one in en-GB each read dates
# and money their own way (churnguard/formats.py); plain "en" formats as en-GB.
LANGUAGES = [
    ("en", _("English")),
    ("en-gb", _("English (UK)")),
    ("en-us", _("English (US)")),
    ("fr", _("French")),
]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = env_str("TIME_ZONE", "Europe/Paris")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = BASE_DIR / "staticfiles"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}

# Imports: the largest file accepted in the browser (MB), and the size up to which the dry run
# runs within the upload request rather than as a background task.
DATAIO_MAX_UPLOAD_MB = env_int("DATAIO_MAX_UPLOAD_MB", 50)
DATAIO_INLINE_MAX_BYTES = env_int("DATAIO_INLINE_MAX_BYTES", 256 * 1024)

# Celery: without REDIS_URL tasks run eagerly in-process (the embedded default).
REDIS_URL = env_str("REDIS_URL")
CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_IGNORE_RESULT = True
# One queue per deployment; tests give each real worker a queue of its own.
CELERY_TASK_DEFAULT_QUEUE = env_str("CELERY_QUEUE", "churnguard")
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# Celery's Django fix-up closes the database connection around every task unless told to reuse
# it: a nightly run then started a new PostgreSQL backend (with cold caches) per chunk. Reused for
# up to this many tasks; one that failed or outlived CONN_MAX_AGE is still dropped before each
# task (churnguard.celery).
CELERY_DB_REUSE_MAX = 500
CELERY_TIMEZONE = TIME_ZONE
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# A broker that is down must not hang a web request: fail fast and tell the user.
CELERY_BROKER_TRANSPORT_OPTIONS = {"socket_connect_timeout": 2, "socket_timeout": 5}
CELERY_TASK_PUBLISH_RETRY_POLICY = {"max_retries": 2, "interval_start": 0, "interval_step": 0.5}
NIGHTLY_RESCORE_HOUR = env_int("NIGHTLY_RESCORE_HOUR", 2)
NIGHTLY_RESCORE_MINUTE = env_int("NIGHTLY_RESCORE_MINUTE", 0)

# E-mail: the console in development; SMTP when EMAIL_HOST is set.
SMTP_HOST = env_str("EMAIL_HOST")
MAILERS = {
    "default": (
        {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {
                "host": SMTP_HOST,
                "port": env_int("EMAIL_PORT", 587),
                "username": env_str("EMAIL_USER") or None,
                "password": env_str("EMAIL_PASSWORD") or None,
                "use_tls": env_bool("EMAIL_USE_TLS", True),
            },
        }
        if SMTP_HOST
        else {"BACKEND": "django.core.mail.backends.console.EmailBackend"}
    )
}
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "churnguard@localhost")
# Links in e-mails are absolute, built on this address.
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000").rstrip("/")

if not DEBUG:
    SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", True)
    CSRF_COOKIE_SECURE = env_bool("SECURE_COOKIES", True)

# HTTPS: behind a TLS-terminating proxy set SECURE_PROXY_SSL_HEADER=1 (trusts X-Forwarded-Proto),
# SECURE_SSL_REDIRECT=1 and SECURE_HSTS_SECONDS (31536000 once HTTPS is known to work).
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", False)
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)
if env_bool("SECURE_PROXY_SSL_HEADER", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# Health probes are answered over plain HTTP inside the cluster.
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]
X_FRAME_OPTIONS = "DENY"
CSRF_FAILURE_VIEW = "churnguard.views.csrf_failure"

# Content Security Policy: every script and style is a static file of ours, nothing inline.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}

# Sessions end after this long without a visit (default two weeks).
SESSION_COOKIE_AGE = env_int("SESSION_COOKIE_AGE", 14 * 24 * 3600)
SESSION_EXPIRE_AT_BROWSER_CLOSE = env_bool("SESSION_EXPIRE_AT_BROWSER_CLOSE", False)

# Login throttling (django-axes): after AXES_FAILURE_LIMIT wrong passwords a username is locked
# for LOGIN_LOCKOUT_MINUTES, whatever address the attempts come from.
AXES_FAILURE_LIMIT = env_int("LOGIN_FAILURE_LIMIT", 10)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("LOGIN_LOCKOUT_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = ["username"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "teams.views.locked_out"
AXES_VERBOSE = False
# Locking the username (not the address) is the point: axes warns that rotating user agents or
# cookies bypasses address-based rules, which we do not use.
SILENCED_SYSTEM_CHECKS = ["axes.W006"]
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # The ledger roll-ups' NULLS NOT DISTINCT keys (analytics.models) exist on PostgreSQL, whose
    # triggers keep them; on SQLite the pages read the ledger itself and the roll-ups stay empty.
    SILENCED_SYSTEM_CHECKS.append("models.W047")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "INFO"}},
}

# Shared cache (Redis in production) for short-lived derived values such as list counts.
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "churnguard.cache.TolerantRedisCache",
            "LOCATION": env_str("CACHE_REDIS_URL", REDIS_URL),
            "KEY_PREFIX": "churnguard",
            "TIMEOUT": 300,
            # Short timeouts: a cache that is down must cost a page milliseconds, not seconds.
            "OPTIONS": {"socket_connect_timeout": 0.3, "socket_timeout": 0.5},
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# Cache rendered triage fragments under a portfolio version (churnguard/portfolio.py). Only with a
# cache shared by every web process: a per-process cache cannot see other processes' writes.
TRIAGE_FRAGMENT_CACHE = env_bool("TRIAGE_FRAGMENT_CACHE", bool(REDIS_URL))
# Sessions read from the cache, written through to the database: one query less per page.
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"

# REST API: requests allowed per token per window (0 turns the limit off).
API_RATE_LIMIT_REQUESTS = env_int("API_RATE_LIMIT_REQUESTS", 600)
API_RATE_LIMIT_WINDOW_SECONDS = env_int("API_RATE_LIMIT_WINDOW_SECONDS", 60)

# Webhooks: attempts per delivery, the first retry's delay (doubling after each failure), and
# the failed attempts in a row after which an endpoint is paused and the admins are told.
WEBHOOK_MAX_ATTEMPTS = env_int("WEBHOOK_MAX_ATTEMPTS", 8)
WEBHOOK_RETRY_BASE_SECONDS = env_int("WEBHOOK_RETRY_BASE_SECONDS", 30)
WEBHOOK_PAUSE_AFTER_FAILURES = env_int("WEBHOOK_PAUSE_AFTER_FAILURES", 20)
# Endpoints on private, loopback or link-local addresses are refused, so an admin cannot make the
# server call into its own network. Turn on only where the receivers are on the same network.
WEBHOOK_ALLOW_PRIVATE_ADDRESSES = env_bool("WEBHOOK_ALLOW_PRIVATE_ADDRESSES", False)
