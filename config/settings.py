"""Qingling settings: one module, configured entirely from environment variables.

Every variable is documented in the README. With none set, Qingling runs on an
embedded SQLite file and executes Celery tasks eagerly in-process, so a bare
machine with only Python can `make run`.
"""

import os
import sys
from datetime import timedelta
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlparse

from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP

BASE_DIR = Path(__file__).resolve().parent.parent

DEFAULT_SECRET_KEY = "insecure-qingling-development-key-change-me"


def env_bool(name, default=False):
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name, default=""):
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def conn_max_age(argv=None):
    """Seconds a PostgreSQL connection is kept: DATABASE_CONN_MAX_AGE, but 0 under runserver.

    The development server handles every request in a new thread, and a persistent connection
    belongs to its thread: each request would leave one open until PostgreSQL answers
    "too many clients". Gunicorn's workers and Celery reuse their threads, so they keep theirs.
    """
    argv = sys.argv if argv is None else argv
    if len(argv) > 1 and argv[1] == "runserver":
        return 0
    return int(os.environ.get("DATABASE_CONN_MAX_AGE", "60"))


def database_from_url(url, argv=None):
    """Translate DATABASE_URL into a DATABASES entry (PostgreSQL or SQLite)."""
    if not url:
        return {"ENGINE": "django.db.backends.sqlite3", "NAME": BASE_DIR / "db.sqlite3"}
    parsed = urlparse(url)
    if parsed.scheme in {"postgres", "postgresql", "pgsql"}:
        options = {key: values[-1] for key, values in parse_qs(parsed.query).items()}
        # No JIT: its compile time (30-60 ms) is spent on every aggregate of a page, which
        # runs for tens of milliseconds — the dashboard's and the map's queries got slower.
        options.setdefault("options", "-c jit=off")
        return {
            "ENGINE": "django.db.backends.postgresql",
            "NAME": unquote(parsed.path.lstrip("/")) or "qingling",
            "USER": unquote(parsed.username or ""),
            "PASSWORD": unquote(parsed.password or ""),
            "HOST": parsed.hostname or "",
            "PORT": str(parsed.port or ""),
            "CONN_MAX_AGE": conn_max_age(argv),
            "CONN_HEALTH_CHECKS": True,
            "OPTIONS": options,
        }
    if parsed.scheme == "sqlite":
        # sqlite:///relative/path (path "/relative/path") or sqlite:////absolute/path ("//absolute/path")
        path = unquote(parsed.path)[1:]
        return {"ENGINE": "django.db.backends.sqlite3", "NAME": path or "db.sqlite3"}
    raise ImproperlyConfigured(f"DATABASE_URL: unsupported scheme {parsed.scheme!r}")


SECRET_KEY = os.environ.get("SECRET_KEY") or DEFAULT_SECRET_KEY
DEBUG = env_bool("DEBUG", False)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1],testserver")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")


def assert_production_ready():
    """Called by the WSGI/ASGI entry points: production refuses the default secret."""
    if not DEBUG and SECRET_KEY == DEFAULT_SECRET_KEY:
        raise ImproperlyConfigured(
            "SECRET_KEY is the development default while DEBUG is off: "
            "set SECRET_KEY in the environment before serving production traffic."
        )


INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "simple_history",
    "axes",
    "accounts",
    "notices",
    "enterprises",
    "rectification",
    "inspections",
    "metering",
    "maps",
    "reporting",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # HTML and JSON gzipped (WhiteNoise serves static files precompressed, before this). BREACH:
    # the CSRF token Django puts in a page is masked afresh for every response and the gzip
    # header carries random bytes, so a compressed page does not leak the secret by its size.
    "django.middleware.gzip.GZipMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    # After CSRF, which reads the token from the POST data as sent.
    "accounts.cleaning.CleanInputMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last, as django-axes asks: it turns a locked-out login into the Chinese lockout page.
    "axes.middleware.AxesMiddleware",
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
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "accounts.context_processors.navigation",
                "notices.context_processors.notifications",
            ],
        },
    },
]

WSGI_APPLICATION = "config.wsgi.application"

DATABASES = {"default": database_from_url(os.environ.get("DATABASE_URL", ""))}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# The area-figure indexes carry INCLUDE columns for PostgreSQL's index-only scans; SQLite (the
# embedded default for `make run`) builds them without those columns, which is all it needs.
SILENCED_SYSTEM_CHECKS = ["models.W040"]

AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"

# The client's address for every per-address limit (accounts.clients): how many proxies in front
# of the app append to X-Forwarded-For. 0 (the default) ignores the header, which clients forge.
QINGLING_TRUSTED_PROXY_HOPS = int(os.environ.get("QINGLING_TRUSTED_PROXY_HOPS", "0"))

# Failed logins (django-axes, counted in the database so no Redis is needed; accounts.logins):
# 5 failures for one account or 20 from one address lock that login for 15 minutes, the right
# password included; attempts during the lockout neither count nor extend it; a success forgives
# the account's failures. Session and token use of the API never pass through a login.
AUTHENTICATION_BACKENDS = [
    "accounts.logins.LoginLimitBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_HANDLER = "accounts.logins.LoginLimits"
AXES_FAILURE_LIMIT = int(os.environ.get("QINGLING_LOGIN_ACCOUNT_LIMIT", "5"))
QINGLING_LOGIN_ADDRESS_LIMIT = int(os.environ.get("QINGLING_LOGIN_ADDRESS_LIMIT", "20"))
AXES_COOLOFF_TIME = timedelta(minutes=int(os.environ.get("QINGLING_LOGIN_LOCKOUT_MINUTES", "15")))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_ON_SUCCESS = True
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_CLIENT_IP_CALLABLE = "accounts.clients.client_address"
AXES_LOCKOUT_CALLABLE = "accounts.logins.lockout_response"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文")]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
# STATIC_MANIFEST=1 (production, after collectstatic): hashed names (app.3f2a1c.js) served with a
# ten-year immutable cache, gzip (and brotli, with the Brotli package) copies made by
# collectstatic and served from STATIC_ROOT. Without it WhiteNoise serves straight from static/,
# so a plain gunicorn install works before collectstatic (uncompressed, max-age 60).
STATIC_MANIFEST = env_bool("STATIC_MANIFEST", False)
WHITENOISE_USE_FINDERS = not STATIC_MANIFEST
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "staticfiles"))
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "media"))


def object_storage(location, environ=None):
    """The STORAGES entry of an S3-compatible bucket (accounts.storage.ObjectStorage) from
    QINGLING_S3_*: files under `location` (after QINGLING_S3_PREFIX), private, signed URLs
    valid QINGLING_S3_SIGNED_SECONDS, a store that does not answer given up within seconds."""
    from botocore.config import Config

    environ = os.environ if environ is None else environ
    addressing_style = environ.get("QINGLING_S3_ADDRESSING_STYLE") or None
    # A CA bundle's path, or "0" for a store with a self-signed certificate.
    verify = environ.get("QINGLING_S3_VERIFY") or None
    return {
        "BACKEND": "accounts.storage.ObjectStorage",
        "OPTIONS": {
            "bucket_name": environ["QINGLING_S3_BUCKET"],
            "endpoint_url": environ.get("QINGLING_S3_ENDPOINT_URL") or None,
            # Without a key boto3 looks in its own places (AWS_* variables, instance role).
            "access_key": environ.get("QINGLING_S3_ACCESS_KEY_ID") or None,
            "secret_key": environ.get("QINGLING_S3_SECRET_ACCESS_KEY") or None,
            "region_name": environ.get("QINGLING_S3_REGION") or None,
            "location": environ.get("QINGLING_S3_PREFIX", "") + location,
            "querystring_auth": True,
            "querystring_expire": int(environ.get("QINGLING_S3_SIGNED_SECONDS", "60")),
            "verify": False if verify == "0" else verify,
            # Objects over 5 MB read by the app wait on disk, not in memory.
            "max_memory_size": 5 * 1024 * 1024,
            "client_config": Config(
                s3={"addressing_style": addressing_style} if addressing_style else {},
                signature_version="s3v4",
                connect_timeout=2,
                read_timeout=30,
                retries={"max_attempts": 2, "mode": "standard"},
            ),
        },
    }


# Uploaded files and finished exports: on this machine's disk (MEDIA_ROOT, and the private
# exports folder beside it) unless QINGLING_S3_BUCKET names an object store, which then holds
# both (media/ and exports/ under QINGLING_S3_PREFIX) for every web and worker node.
S3_STORAGE = bool(os.environ.get("QINGLING_S3_BUCKET"))
# On S3 a file is streamed through the app by default (an intranet browser may not reach the
# store); QINGLING_S3_SIGNED_REDIRECT=1 redirects to a URL signed for a short while instead.
QINGLING_S3_SIGNED_REDIRECT = S3_STORAGE and env_bool("QINGLING_S3_SIGNED_REDIRECT", False)
QINGLING_S3_SIGNED_SECONDS = int(os.environ.get("QINGLING_S3_SIGNED_SECONDS", "60"))
STORAGES = {
    "default": (
        object_storage("media")
        if S3_STORAGE
        else {"BACKEND": "django.core.files.storage.FileSystemStorage"}
    ),
    "exports": (
        object_storage("exports")
        if S3_STORAGE
        else {"BACKEND": "reporting.models.exports.PrivateExportStorage"}
    ),
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if STATIC_MANIFEST
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}

# Uploads: evidence photos and ledger workbooks are checked by the app itself;
# these bound what Django will hold in memory before handing it over.
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

SESSION_COOKIE_AGE = 12 * 3600

# Content-Security-Policy, on everywhere (development too, so the browser tests see it). Scripts
# only from our static files; an inline one would need {% csp_nonce_attr %} (the nonce is sent
# only on a page that uses it). Styles from our files, an inline <style> only with the nonce
# (Swagger UI's page); style *attributes* are allowed: the templates' widths and heights, the
# export progress bar and the tooltips ECharts writes. htmx is told not to inject its <style>.
# No plugins, no framing, forms post only here.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF, CSP.NONCE],
    "style-src-attr": [CSP.UNSAFE_INLINE],
    "img-src": [CSP.SELF, "data:", "blob:"],
    "object-src": [CSP.NONE],
    "frame-ancestors": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "form-action": [CSP.SELF],
}

# HTTPS (QINGLING_HTTPS=1, the production path `check --deploy` passes): plain HTTP is redirected,
# cookies are sent over HTTPS only and browsers are told to use nothing else (HSTS). Off by default
# so that `make run` and the tests keep serving plain HTTP.
HTTPS = env_bool("QINGLING_HTTPS", False)
SECURE_SSL_REDIRECT = HTTPS
SECURE_HSTS_SECONDS = int(os.environ.get("QINGLING_HSTS_SECONDS", "31536000")) if HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS and env_bool("QINGLING_HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = HTTPS and env_bool("QINGLING_HSTS_PRELOAD", True)
SESSION_COOKIE_SECURE = HTTPS or env_bool("SECURE_COOKIES", False)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
# Behind the front proxy TLS ends there: only a proxy that sets X-Forwarded-Proto itself (and
# strips the client's) may be trusted with it, so this is opt-in; without it a redirect loops.
if env_bool("QINGLING_PROXY_SSL_HEADER", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# Mail: the EMAIL_* variables build Django's MAILERS; without EMAIL_HOST mail goes to the console.
_email_host = os.environ.get("EMAIL_HOST", "")
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "qingling@localhost")
if _email_host:
    MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {
                "host": _email_host,
                "port": int(os.environ.get("EMAIL_PORT", "25")),
                "username": os.environ.get("EMAIL_HOST_USER", ""),
                "password": os.environ.get("EMAIL_HOST_PASSWORD", ""),
                "use_tls": env_bool("EMAIL_USE_TLS", False),
            },
        }
    }
else:
    MAILERS = {"default": {"BACKEND": "django.core.mail.backends.console.EmailBackend"}}

# Celery: Redis when REDIS_URL is set; otherwise tasks run eagerly in-process.
REDIS_URL = os.environ.get("REDIS_URL", "")
CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = REDIS_URL or "cache+memory://"
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TIMEZONE = TIME_ZONE
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# With Redis down a web request must learn it within ~2 s, not after Celery's default retries
# (19 s, then a 500): connect and publish give up quickly, and the export is refused instead.
CELERY_BROKER_CONNECTION_TIMEOUT = 1
CELERY_BROKER_TRANSPORT_OPTIONS = {"socket_connect_timeout": 1, "socket_timeout": 2}
CELERY_TASK_PUBLISH_RETRY = True
CELERY_TASK_PUBLISH_RETRY_POLICY = {
    "max_retries": 1,
    "interval_start": 0,
    "interval_step": 0.2,
    "interval_max": 0.2,
}
CELERY_REDIS_SOCKET_CONNECT_TIMEOUT = 1
CELERY_REDIS_SOCKET_TIMEOUT = 2
CELERY_RESULT_BACKEND_TRANSPORT_OPTIONS = {
    "retry_policy": {
        "max_retries": 1,
        "interval_start": 0,
        "interval_step": 0.2,
        "interval_max": 0.2,
    }
}
CELERY_BEAT_SCHEDULE = {
    # Every registered daily job (notices.jobs) every morning before office hours: case
    # deadlines, overdue and look-back notices; tips left waiting; report deadlines.
    "daily-reminders": {
        "task": "notices.run_daily_jobs",
        "schedule": crontab(hour=7, minute=0),
    },
    # A long export whose worker died is resumed (or failed, with 重新生成), and one whose
    # queue message was lost is sent again, within a sweep of the deadlines below.
    "sweep-export-jobs": {
        "task": "reporting.sweep_export_jobs",
        "schedule": timedelta(seconds=int(os.environ.get("QINGLING_EXPORT_SWEEP_SECONDS", "60"))),
    },
}

# Long exports (reporting.exports.jobs): a job 生成中 with no progress for STALE seconds lost its
# worker and is started again, up to ATTEMPTS starts, then failed; a job 排队中 for REQUEUE
# seconds since it was queued lost its message (a Redis restart) and is queued again.
QINGLING_EXPORT_STALE_SECONDS = int(
    os.environ.get(
        "QINGLING_EXPORT_STALE_SECONDS",
        int(os.environ.get("QINGLING_EXPORT_STALE_MINUTES", "5")) * 60,
    )
)
QINGLING_EXPORT_REQUEUE_SECONDS = int(os.environ.get("QINGLING_EXPORT_REQUEUE_SECONDS", "120"))
QINGLING_EXPORT_ATTEMPTS = int(os.environ.get("QINGLING_EXPORT_ATTEMPTS", "2"))
# The Celery queue long exports are sent to (a worker started with -Q takes them); unset, the
# default queue.
QINGLING_EXPORT_QUEUE = os.environ.get("QINGLING_EXPORT_QUEUE") or None

# A Redis that is down or unreachable costs a page at most a second: the callers (dashboard
# cache, tip throttle, on-commit tokens) then go on without it.
REDIS_CACHE_OPTIONS = {"socket_connect_timeout": 1, "socket_timeout": 1}
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "OPTIONS": REDIS_CACHE_OPTIONS,
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# Leaders' dashboards are cached until the data under them changes (reporting.dashboard.cache);
# that needs a cache every web process shares, so it is on with Redis only.
DASHBOARD_CACHE = os.environ.get("DASHBOARD_CACHE", "1" if REDIS_URL else "0") == "1"

# API tokens (accounts.models.ApiToken): stored as a digest only, valid this many days from
# issue (fixed, not sliding); issued in the admin or with `manage.py create_api_token`.
QINGLING_API_TOKEN_DAYS = int(os.environ.get("QINGLING_API_TOKEN_DAYS", "30"))

# 一张图 (maps.tiles): the intranet's own tile service, e.g. a 天地图 node; empty draws the
# boundaries only. QINGLING_MAP_TILES_CRS: wgs84 (天地图, the default) or gcj02.
QINGLING_MAP_TILES_URL = os.environ.get("QINGLING_MAP_TILES_URL", "")
QINGLING_MAP_TILES_CRS = os.environ.get("QINGLING_MAP_TILES_CRS", "wgs84").strip().lower()
QINGLING_MAP_TILES_ATTRIBUTION = os.environ.get("QINGLING_MAP_TILES_ATTRIBUTION", "")
if QINGLING_MAP_TILES_URL:
    # The browser fetches the tiles itself: their host joins the images the CSP allows.
    _tiles = urlparse(QINGLING_MAP_TILES_URL)
    SECURE_CSP["img-src"].append(f"{_tiles.scheme}://{_tiles.netloc}")
# The font of the printed wall map (maps.wall): a TrueType/TTC file with Chinese glyphs, embedded
# in the PDF; without one found, reportlab's built-in STSong-Light (not embedded).
QINGLING_PDF_FONT = os.environ.get("QINGLING_PDF_FONT", "")

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # Token first: a refused token (or none) answers 401 with `WWW-Authenticate: Token`,
        # not 403, so a client knows to get a new token.
        "accounts.api.authentication.ExpiringTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PARSER_CLASSES": [
        "accounts.api.parsers.JSONParser",
        "accounts.api.parsers.FormParser",
        "accounts.api.parsers.MultiPartParser",
    ],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "config.pagination.StandardPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "accounts.refusals.api_exception_handler",
}

SPECTACULAR_SETTINGS = {
    "TITLE": "清零 Qingling API",
    "DESCRIPTION": "“散乱污”企业整治：台账、案件、检查与报表的 REST API。",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # Swagger UI is served from the vendored sidecar package: intranets have no CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # The schema's naming warnings (enum names, one APIView) are documentation matters, not
    # deployment safety; `check --deploy` is kept to the latter (issue 14).
    "ENABLE_DJANGO_DEPLOY_CHECK": False,
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}
