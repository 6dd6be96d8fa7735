"""Settings for the seminar site, read from the environment (and an optional `.env` file).

Every variable is listed with a comment in `.env.example`.
"""

from pathlib import Path

import environ
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env")

DEBUG = env.bool("DEBUG", default=False)

SECRET_KEY = env.str("SECRET_KEY", default="")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY is not set. Set the SECRET_KEY environment variable "
            "(or DEBUG=1 for local development with a throwaway key)."
        )
    SECRET_KEY = "insecure-development-key-only-used-with-DEBUG"  # noqa: S105

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"])

# The public address of the site: every absolute URL (canonical links, feeds, sitemap) is built
# from it rather than from the request, which says http behind a TLS proxy.
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")
SITE_NAME = env.str("SITE_NAME", default="Systems Seminar")
SITE_TAGLINE = env.str(
    "SITE_TAGLINE",
    default="Weekly talks on computer systems, networks and machine learning systems.",
)

ADMINS = [
    (address.split("<")[0].strip() or address, address.split("<")[-1].rstrip(">").strip())
    for address in env.list("ADMINS", default=[])
]
SERVER_EMAIL = env.str("SERVER_EMAIL", default="root@localhost")
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default=SERVER_EMAIL)
EMAIL_CONFIGURED = "EMAIL_URL" in env.ENVIRON
vars().update(env.email_url("EMAIL_URL", default="consolemail://"))

# Mail is sent in the background through Django's tasks API (the django-tasks backport): the
# queue is a table in the database and `manage.py db_worker` delivers it. `make run` sets
# TASKS_BACKEND=django_tasks.backends.immediate.ImmediateBackend to send at once instead.
TASKS = {
    "default": {"BACKEND": env.str("TASKS_BACKEND", default="django_tasks_db.DatabaseBackend")}
}
# How many messages a worker sends per minute at most (0: as fast as the server takes them).
MAIL_RATE_PER_MINUTE = env.int("MAIL_RATE_PER_MINUTE", default=600)
# Sign-ups to the email announcements allowed per client address per hour, and confirmation
# mails per target address per day (no one can mail-bomb a stranger through the form).
MAIL_SIGNUPS_PER_CLIENT_PER_HOUR = env.int("MAIL_SIGNUPS_PER_CLIENT_PER_HOUR", default=10)
MAIL_SIGNUPS_PER_ADDRESS_PER_DAY = env.int("MAIL_SIGNUPS_PER_ADDRESS_PER_DAY", default=3)

INSTALLED_APPS = [
    "seminars.organisers.apps.SeminarAdminConfig",  # Django's admin, our site
    "simple_history",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "django.contrib.postgres",
    "axes",
    "speakers",
    "seminars",
    "django_tasks",
    "django_tasks_db",
]

MIDDLEWARE = [
    # First: answers a repeated anonymous read of a public page, feed or API response as the
    # whole stack below answered it (seminars/http/front.py).
    "seminars.http.front.FrontDoorMiddleware",
    "seminars.http.health.HealthCheckMiddleware",
    "django.middleware.security.SecurityMiddleware",
    *([] if DEBUG else ["whitenoise.middleware.WhiteNoiseMiddleware"]),
    "seminars.http.guards.RejectUnstorableInputMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "axes.middleware.AxesMiddleware",
    # Histories (django-simple-history) name the user whose request saved a change.
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last, so that a cached page still gets every header the middleware above adds.
    "seminars.http.pagecache.PublicPageCacheMiddleware",
]

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

ROOT_URLCONF = "config.urls"

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
                "seminars.context_processors.site",
                "seminars.context_processors.series_shown",
            ],
        },
    },
]

WSGI_APPLICATION = "config.wsgi.application"

DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
# Keep database connections open between requests: opening a PostgreSQL connection costs
# milliseconds, several times what a page from the cache costs.
DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("CONN_MAX_AGE", default=60))
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Two saves at once must wait their turn, not fail with "database is locked": WAL lets
    # readers go on during a write, a writer waits up to `timeout` seconds for another, and
    # transactions take the write lock when they begin (BEGIN IMMEDIATE), so none fails
    # half-way when it first writes.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "timeout": 20,
        "transaction_mode": "IMMEDIATE",
        **DATABASES["default"].get("OPTIONS", {}),
    }
elif DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # PostgreSQL compiles a query to machine code when its estimated cost is high, as a
    # feed of thousands of talks is: that took 28 ms of the query's 120 ms, every time, for
    # a plan that runs in milliseconds. A setting given in DATABASE_URL wins.
    options = DATABASES["default"].setdefault("OPTIONS", {})
    options["options"] = " ".join(filter(None, ["-c jit=off", options.get("options")]))
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

CACHES = {"default": env.cache("CACHE_URL", default="locmemcache://")}
if CACHES["default"]["BACKEND"] == "django.core.cache.backends.redis.RedisCache":
    # The cache is an accelerator: while Redis is down, pages are built from the database
    # (seminars/http/tolerant_cache.py). Short timeouts, so that an unreachable host costs a
    # request a second at most, once every few seconds.
    CACHES["default"]["BACKEND"] = "seminars.http.tolerant_cache.TolerantRedisCache"
    CACHES["default"]["OPTIONS"] = {
        "socket_connect_timeout": 1,
        "socket_timeout": 1,
        **CACHES["default"].get("OPTIONS", {}),
    }
# Django's local-memory cache keeps 300 entries by default, and a calendar keeps one per event:
# a 5,000-talk archive's events would be evicted on every rebuild. Sized here unless the URL
# says (?max_entries=...); about 2 KB an event, so 100,000 entries are some 200 MB at most.
if CACHES["default"]["BACKEND"].endswith("LocMemCache"):
    CACHES["default"].setdefault("OPTIONS", {}).setdefault(
        "MAX_ENTRIES", env.int("CACHE_MAX_ENTRIES", default=100_000)
    )

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-gb"
# Forms write and read ISO dates and 24-hour times (config/formats/en/formats.py).
FORMAT_MODULE_PATH = ["config.formats"]
TIME_ZONE = env.str("TIME_ZONE", default="America/New_York")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    # Hashed, compressed files served by WhiteNoise need `collectstatic`; plain storage
    # serves straight from static/ (development and tests).
    "staticfiles": {
        "BACKEND": env.str(
            "STATICFILES_BACKEND",
            default="django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage",
        )
    },
}
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(env.str("STATIC_ROOT", default=str(BASE_DIR / "staticfiles")))
MEDIA_URL = "media/"
MEDIA_ROOT = Path(env.str("MEDIA_ROOT", default=str(BASE_DIR / "media")))
# Serve uploaded photos from Django (fine for one machine); set to 0 when nginx serves /media/.
SERVE_MEDIA = env.bool("SERVE_MEDIA", default=True)

# Largest speaker photo staff may upload, in bytes, and in pixels (width × height). The pixel
# limit is checked from the image header before anything is decoded: a small file can claim a
# huge image (a decompression bomb). Pillow refuses more than about 89 million pixels regardless.
MAX_PHOTO_BYTES = env.int("MAX_PHOTO_BYTES", default=10 * 1024 * 1024)
MAX_PHOTO_PIXELS = env.int("MAX_PHOTO_PIXELS", default=40_000_000)
# Largest PDF of slides or a paper staff may upload for a talk, in bytes.
MAX_MATERIAL_BYTES = env.int("MAX_MATERIAL_BYTES", default=50 * 1024 * 1024)

# How far back multi-talk calendar feeds reach.
FEED_PAST_MONTHS = env.int("FEED_PAST_MONTHS", default=12)

# A talk's online link, when it is not public from the start, shows this long before the talk.
ONLINE_LINK_MINUTES_BEFORE = env.int("ONLINE_LINK_MINUTES_BEFORE", default=15)

# `make bench` only: adds a view that answers "ok" and does nothing else, to measure what
# the server stack alone costs. Never on in production.
BENCH = env.bool("BENCH", default=False)

# Security headers. Pages load scripts and styles only from this site and never inline,
# so the Content-Security-Policy needs no 'unsafe-inline'.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}
X_FRAME_OPTIONS = "DENY"

# https-only settings are on by default in production (DEBUG off); each can be turned off by an
# environment variable of its own name, as `make serve` does on plain-http 127.0.0.1.
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=not DEBUG)
SECURE_REDIRECT_EXEMPT = [r"^healthz/$"]  # load balancers probe over plain http
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0 if DEBUG else 31_536_000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True)
SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=not DEBUG)
CSRF_COOKIE_SECURE = env.bool("CSRF_COOKIE_SECURE", default=not DEBUG)
SESSION_COOKIE_HTTPONLY = True
# Behind a TLS-terminating proxy that sets X-Forwarded-Proto (and strips it from clients).
if env.bool("BEHIND_TLS_PROXY", default=False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    # Every request then comes from the proxy's address: failed logins are keyed on the
    # client's, which the proxy writes in this header over whatever a client sent (nginx:
    # `proxy_set_header X-Real-IP $remote_addr;`), or five wrong passwords from anyone would
    # lock a username for everyone. One address, not X-Forwarded-For, whose left part the
    # client writes. django-ipware reads it for django-axes.
    PROXY_CLIENT_IP_HEADER = env.str("PROXY_CLIENT_IP_HEADER", default="X-Real-IP")
    AXES_IPWARE_META_PRECEDENCE_ORDER = (
        "HTTP_" + PROXY_CLIENT_IP_HEADER.upper().replace("-", "_"),
        "REMOTE_ADDR",
    )
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[SITE_URL])
SILENCED_SYSTEM_CHECKS = [
    # HSTS preload is a commitment to browsers' preload lists that only the site's owner can
    # make (https://hstspreload.org); it stays off and so does its check.
    "security.W021",
]

# Failed admin logins are limited per IP address and username (django-axes).
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = env.float("AXES_COOLOFF_TIME", default=1.0)  # hours
AXES_LOCKOUT_PARAMETERS = [["ip_address", "username"]]
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"

# One structured line per record on stdout (logfmt: level=… logger=… path=… message=…);
# error emails to ADMINS when email is configured.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"logfmt": {"()": "config.logging.LogfmtFormatter"}},
    "filters": {"require_debug_false": {"()": "django.utils.log.RequireDebugFalse"}},
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "stream": "ext://sys.stdout",
            "formatter": "logfmt",
        },
        "mail_admins": {
            "class": "django.utils.log.AdminEmailHandler",
            "level": "ERROR",
            "filters": ["require_debug_false"],
        },
    },
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {
        "django.request": {
            "handlers": ["console", *(["mail_admins"] if EMAIL_CONFIGURED and ADMINS else [])],
            "level": "WARNING",
            "propagate": False,
        },
    },
}
