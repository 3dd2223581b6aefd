"""Django settings for Massline: each setting is read once, from the environment, with a type and a default.

A wrong value stops start-up with a message that names the variable (see README, "Configuration").
"""

import secrets
from pathlib import Path
from urllib.parse import urlsplit

import environ
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
env = environ.Env()


def _env(reader, name, **kwargs):
    """Read one variable, naming it when its value cannot be parsed."""
    try:
        return reader(name, **kwargs)
    except (ValueError, TypeError) as exc:
        raise ImproperlyConfigured(f"Environment variable {name} has an invalid value: {exc}") from exc


_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def _strict_bool(name, default=False):
    """A boolean that refuses anything but true/false/1/0/yes/no/on/off (environ reads typos as false)."""
    raw = env.str(name, default=str(default)).strip().lower()
    if raw not in _TRUE | _FALSE:
        raise ImproperlyConfigured(
            f"Environment variable {name}={raw!r} is not a boolean: use true or false."
        )
    return raw in _TRUE


DEBUG = _strict_bool("DEBUG", default=False)
VAR_DIR = Path(_env(env.str, "MASSLINE_VAR_DIR", default=str(BASE_DIR / "var")))


def _secret_key():
    if value := env.str("SECRET_KEY", default=""):
        return value
    if path := env.str("SECRET_KEY_FILE", default=""):
        try:
            value = Path(path).read_text().strip()
        except OSError as exc:
            raise ImproperlyConfigured(f"SECRET_KEY_FILE={path} cannot be read: {exc.strerror}") from exc
        if not value:
            raise ImproperlyConfigured(f"SECRET_KEY_FILE={path} is empty.")
        return value
    if DEBUG:
        # Development only: a random key kept under var/ so sessions survive restarts.
        VAR_DIR.mkdir(parents=True, exist_ok=True)
        key_file = VAR_DIR / "dev-secret-key"
        if not key_file.exists():
            key_file.write_text(secrets.token_urlsafe(50))
        return key_file.read_text().strip()
    raise ImproperlyConfigured(
        "SECRET_KEY is not set. Set SECRET_KEY (or SECRET_KEY_FILE, a file holding it), "
        "or DEBUG=true for development."
    )


SECRET_KEY = _secret_key()
ALLOWED_HOSTS = _env(env.list, "ALLOWED_HOSTS", default=["127.0.0.1", "localhost"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = _env(env.list, "CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "axes",
    # Django's task API (backport) and its database queue, drained by `massline worker`.
    "django_tasks",
    "django_tasks_db",
    "massline.lib",
    "massline.audit",
    "massline.org",
    "massline.deadlines",
    "massline.outbox",
    "massline.cases",
    "massline.open311",
    "massline.routing",
    "massline.api",
    # django-ninja, only so that the API docs page serves Swagger UI from local static files (CSP).
    "ninja",
    "massline.web",
    "massline.consultations",
    "massline.integrity",
    "massline.appraisal",
    "massline.pledges",
    "massline.disclosure",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "massline.audit.middleware.RequestContextMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "massline.web.middleware.ContentSecurityPolicyMiddleware",
    # Last, as django-axes asks: it turns locked-out logins into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "massline.urls"
WSGI_APPLICATION = "massline.wsgi.application"

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
                "massline.web.context_processors.massline",
            ],
        },
    },
]

# Database: SQLite under var/ by default (WAL, immediate transactions), PostgreSQL in production.
DEFAULT_DATABASE_URL = f"sqlite:///{VAR_DIR / 'massline.sqlite3'}"
try:
    DATABASES = {"default": env.db_url("DATABASE_URL", default=DEFAULT_DATABASE_URL)}
except (ImproperlyConfigured, ValueError, KeyError) as exc:
    raise ImproperlyConfigured(
        f"DATABASE_URL is not a valid database URL ({exc}); use postgres://USER@HOST:PORT/NAME "
        "or sqlite:////absolute/path.sqlite3"
    ) from exc
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=5000;",
        "transaction_mode": "IMMEDIATE",
    }
    if DATABASES["default"]["NAME"] not in ("", ":memory:"):
        Path(DATABASES["default"]["NAME"]).parent.mkdir(parents=True, exist_ok=True)
elif DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    DATABASES["default"]["CONN_MAX_AGE"] = _env(env.int, "DATABASE_CONN_MAX_AGE", default=60)
    # A reused connection is checked (one round trip) before each request's first query, so a restarted
    # server costs no failed request; behind a pooler that checks connections itself, turn it off.
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = _strict_bool("DATABASE_CONN_HEALTH_CHECKS", default=True)
    DATABASES["default"].setdefault("OPTIONS", {})["connect_timeout"] = _env(
        env.int, "DATABASE_CONNECT_TIMEOUT", default=5
    )
    # Server-side parameter binding lets psycopg prepare statements a connection repeats (intake's
    # INSERTs), so PostgreSQL skips parsing and planning them each time.
    DATABASES["default"]["OPTIONS"]["server_side_binding"] = _strict_bool(
        "DATABASE_SERVER_SIDE_BINDING", default=True
    )
else:
    raise ImproperlyConfigured(
        f"DATABASE_URL names {DATABASES['default']['ENGINE']}: Massline supports PostgreSQL and SQLite."
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "org.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "web:login"
LOGIN_REDIRECT_URL = "web:staff_home"
LOGOUT_REDIRECT_URL = "web:home"

# Lockout after repeated failed logins (django-axes): by user name and address together.
AXES_FAILURE_LIMIT = _env(env.int, "MASSLINE_LOGIN_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = _env(env.float, "MASSLINE_LOGIN_COOLOFF_HOURS", default=0.5)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_LOCKOUT_TEMPLATE = "web/lockout.html"
AXES_RESET_ON_SUCCESS = True
AXES_IPWARE_META_PRECEDENCE_ORDER = ["REMOTE_ADDR"]

# Languages: Chinese first; the browser's choice wins, and the user can switch.
LANGUAGE_CODE = _env(env.str, "MASSLINE_LANGUAGE", default="zh-hans")
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
if LANGUAGE_CODE not in dict(LANGUAGES):
    raise ImproperlyConfigured(f"MASSLINE_LANGUAGE={LANGUAGE_CODE}: choose one of zh-hans, en.")
USE_I18N = True
TIME_ZONE = _env(env.str, "TIME_ZONE", default="Asia/Shanghai")
try:
    import zoneinfo

    zoneinfo.ZoneInfo(TIME_ZONE)
except (zoneinfo.ZoneInfoNotFoundError, ValueError) as exc:
    raise ImproperlyConfigured(
        f"TIME_ZONE={TIME_ZONE} is not a known time zone (e.g. Asia/Shanghai)."
    ) from exc
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
if DEBUG:
    STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # whitenoise warns when it is missing
MEDIA_ROOT = Path(_env(env.str, "MEDIA_ROOT", default=str(VAR_DIR / "media")))
MEDIA_URL = "/media/"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}

# "default" holds what every process must share: rate-limit counters (Open311 keys, API tokens, public
# forms). CACHE_URL=redis://host:6379/1 shares them; the in-process default gives each process its own
# count, so a limit is multiplied by the number of processes.
try:
    _default_cache = env.cache_url("CACHE_URL", default="locmemcache://massline-shared")
except (ImproperlyConfigured, ValueError, KeyError) as exc:
    raise ImproperlyConfigured(
        f"CACHE_URL is not a valid cache URL ({exc}); use redis://HOST:6379/DB or locmemcache://"
    ) from exc
if _default_cache["BACKEND"] not in (
    "django.core.cache.backends.redis.RedisCache",
    "django.core.cache.backends.locmem.LocMemCache",
):
    raise ImproperlyConfigured(
        f"CACHE_URL names {_default_cache['BACKEND']}: Massline supports redis:// (shared) and locmemcache://."
    )
if _default_cache["BACKEND"] == "django.core.cache.backends.redis.RedisCache":
    # A Redis that does not answer must cost a request half a second at most (the limiter then lets it
    # through uncounted), not hang it; ?socket_timeout=… in CACHE_URL overrides.
    _default_cache.setdefault("OPTIONS", {}).setdefault("socket_connect_timeout", 0.5)
    _default_cache["OPTIONS"].setdefault("socket_timeout", 0.5)
CACHES = {
    "default": _default_cache,
    # Reference rows each process keeps for a few seconds (Open311 keys and services, API tokens): read
    # on every request, so never a network round trip.
    "local": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "massline-local"},
}

# Security headers; `manage.py check --deploy` is clean with the production variables set (README).
SECURE_SSL_REDIRECT = _strict_bool("SECURE_SSL_REDIRECT", default=not DEBUG)
SECURE_PROXY_SSL_HEADER = (
    ("HTTP_X_FORWARDED_PROTO", "https") if _strict_bool("MASSLINE_BEHIND_PROXY", default=False) else None
)
SECURE_HSTS_SECONDS = _env(env.int, "SECURE_HSTS_SECONDS", default=0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = SECURE_HSTS_SECONDS > 0
SECURE_HSTS_PRELOAD = _strict_bool("SECURE_HSTS_PRELOAD", default=not DEBUG)
SESSION_COOKIE_SECURE = _strict_bool("SESSION_COOKIE_SECURE", default=not DEBUG)
CSRF_COOKIE_SECURE = _strict_bool("CSRF_COOKIE_SECURE", default=not DEBUG)
SESSION_COOKIE_HTTPONLY = True
# A signed-in session ends this many hours after login (a working day), whatever the browser does.
MASSLINE_SESSION_HOURS = _env(env.float, "MASSLINE_SESSION_HOURS", default=8.0)
SESSION_COOKIE_AGE = int(MASSLINE_SESSION_HOURS * 3600)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# The background map of every map (public demands, appraisal, the place pickers): an XYZ tile URL template
# ({z}/{x}/{y}, {s} for a, b, c subdomains). OpenStreetMap by default; in China Tianditu (天地图), e.g.
# https://t0.tianditu.gov.cn/DataServer?T=vec_w&x={x}&y={y}&l={z}&tk=KEY (docs/operations.md). Empty: no
# tiles at all, boundaries and points on a plain background (also what a page falls back to when the
# tile server cannot be reached). The default CSP below allows images from this server's origin.
MASSLINE_MAP_TILE_URL = _env(
    env.str, "MASSLINE_MAP_TILE_URL", default="https://tile.openstreetmap.org/{z}/{x}/{y}.png"
).strip()


def _tile_origin(url):
    """The CSP source of the tile server: scheme and host, a {s} label widened to *."""
    if not url:
        return ""
    parts = urlsplit(url.replace("{s}", "s-subdomain"))
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ImproperlyConfigured(
            f"Environment variable MASSLINE_MAP_TILE_URL={url!r} is not an http(s) URL template such as "
            "https://tile.openstreetmap.org/{z}/{x}/{y}.png (or empty for no tiles)."
        )
    host = ".".join("*" if "s-subdomain" in label else label for label in parts.netloc.split("."))
    return f"{parts.scheme}://{host}"


MASSLINE_MAP_TILE_ORIGIN = _tile_origin(MASSLINE_MAP_TILE_URL)
# Shown in the map's corner, as every tile provider's terms require (plain text).
MASSLINE_MAP_TILE_ATTRIBUTION = _env(
    env.str,
    "MASSLINE_MAP_TILE_ATTRIBUTION",
    default="© OpenStreetMap contributors (openstreetmap.org/copyright)"
    if "openstreetmap.org" in MASSLINE_MAP_TILE_ORIGIN
    else "天地图 © 国家地理信息公共服务平台 Tianditu"
    if "tianditu.gov.cn" in MASSLINE_MAP_TILE_ORIGIN
    else "",
)
MASSLINE_CSP = _env(
    env.str,
    "MASSLINE_CSP",
    default=f"default-src 'self'; img-src 'self' data: {MASSLINE_MAP_TILE_ORIGIN}".rstrip()
    + "; style-src 'self'; script-src 'self'; frame-ancestors 'none'; form-action 'self'; base-uri 'self'",
)

EMAIL_BACKEND = _env(
    env.str,
    "EMAIL_BACKEND",
    default="django.core.mail.backends.console.EmailBackend"
    if DEBUG
    else "django.core.mail.backends.smtp.EmailBackend",
)
DEFAULT_FROM_EMAIL = _env(env.str, "DEFAULT_FROM_EMAIL", default="massline@localhost")
# Seconds an SMTP connection may hang; the outbox's stale-claim timeout must stay well above it.
EMAIL_TIMEOUT = _env(env.float, "EMAIL_TIMEOUT", default=10.0)

# Background tasks (django-tasks): a queue in the database, run by `massline worker`; no broker needed.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}

# Massline's own settings.
MASSLINE_SITE_NAME = _env(env.str, "MASSLINE_SITE_NAME", default="")
# Staff pages warn this many days before a year starts that has no holiday calendar.
MASSLINE_CALENDAR_WARN_DAYS = _env(env.int, "MASSLINE_CALENDAR_WARN_DAYS", default=60)
# Trusted client-address header set by the reverse proxy (empty: use REMOTE_ADDR).
MASSLINE_CLIENT_IP_HEADER = _env(env.str, "MASSLINE_CLIENT_IP_HEADER", default="")
# A demand (or request) received after the working hours of a working day: "next_working_day" counts it
# as received on the next working day, "same_day" as received that day (docs/deadlines.md cites the rule).
MASSLINE_AFTER_HOURS_RECEIPT = _env(env.str, "MASSLINE_AFTER_HOURS_RECEIPT", default="next_working_day")
if MASSLINE_AFTER_HOURS_RECEIPT not in ("next_working_day", "same_day"):
    raise ImproperlyConfigured(
        f"MASSLINE_AFTER_HOURS_RECEIPT={MASSLINE_AFTER_HOURS_RECEIPT}: choose next_working_day or same_day."
    )
# The audit sealer chains events this often (seconds) in `massline worker`.
MASSLINE_AUDIT_SEAL_INTERVAL = _env(env.float, "MASSLINE_AUDIT_SEAL_INTERVAL", default=2.0)

# Open311 and API
# Requests per minute one Open311 key may make (a key's own limit wins); counted per process (cache).
MASSLINE_OPEN311_RATE_LIMIT = _env(env.int, "MASSLINE_OPEN311_RATE_LIMIT", default=120)
# The jurisdiction_id clients must send when set; empty: jurisdiction_id is accepted and ignored.
MASSLINE_OPEN311_JURISDICTION = _env(env.str, "MASSLINE_OPEN311_JURISDICTION", default="")
# Contact and key-request address printed by discovery.
MASSLINE_OPEN311_CONTACT = _env(env.str, "MASSLINE_OPEN311_CONTACT", default="")
# Seconds an API key, category or policy row is reused from the cache before it is read again.
MASSLINE_OPEN311_CACHE_SECONDS = _env(env.int, "MASSLINE_OPEN311_CACHE_SECONDS", default=30)
# Requests per minute of one personal API token in /api/v1/ (anonymous clients: per address).
MASSLINE_API_RATE_LIMIT = _env(env.int, "MASSLINE_API_RATE_LIMIT", default=300)
# The integrity app's own secret (keyed hashes of receipts, sealed identities; docs/integrity.md). Empty:
# derived from SECRET_KEY, so that rotating SECRET_KEY makes every receipt code and sealed identity unusable.
MASSLINE_INTEGRITY_SECRET = _env(env.str, "MASSLINE_INTEGRITY_SECRET", default="")
if _integrity_secret_file := _env(env.str, "MASSLINE_INTEGRITY_SECRET_FILE", default=""):
    try:
        MASSLINE_INTEGRITY_SECRET = Path(_integrity_secret_file).read_text().strip()
    except OSError as exc:
        raise ImproperlyConfigured(
            f"MASSLINE_INTEGRITY_SECRET_FILE={_integrity_secret_file} cannot be read: {exc.strerror}"
        ) from exc

# Public data sets used by the demo and the benchmarks (../shared/data beside the checkout).
MASSLINE_DATA_DIR = Path(_env(env.str, "MASSLINE_DATA_DIR", default=str(BASE_DIR.parent / "shared" / "data")))

# Demand handling (cases): the business's numbers live in the database (categories, policies); these
# are the few rules of the installation.
# How many times an unsatisfied rating may reopen a demand to the same unit.
MASSLINE_REOPEN_LIMIT = _env(env.int, "MASSLINE_REOPEN_LIMIT", default=1)
# Days after the reply after which an unrated demand closes as "not rated".
MASSLINE_AUTO_CLOSE_DAYS = _env(env.int, "MASSLINE_AUTO_CLOSE_DAYS", default=7)
# Citizens' contact data is erased this many days after their last demand closed (docs/reliability.md).
MASSLINE_CONTACT_RETENTION_DAYS = _env(env.int, "MASSLINE_CONTACT_RETENTION_DAYS", default=3 * 365)
# A citizen's request to see or delete their data is answered within this many working days (PIPL
# practice: 15), warned in the staff queue this many working days before; the copy's private link
# stays valid this many days; a one-time SMS code lives this many minutes.
MASSLINE_DATA_REQUEST_DAYS = _env(env.int, "MASSLINE_DATA_REQUEST_DAYS", default=15)
MASSLINE_DATA_REQUEST_WARN_DAYS = _env(env.int, "MASSLINE_DATA_REQUEST_WARN_DAYS", default=3)
MASSLINE_DATA_EXPORT_DAYS = _env(env.int, "MASSLINE_DATA_EXPORT_DAYS", default=7)
MASSLINE_PHONE_CODE_MINUTES = _env(env.int, "MASSLINE_PHONE_CODE_MINUTES", default=10)
# Working hours between the rungs of the escalation ladder (reminder, warning, listing, accountability).
MASSLINE_ESCALATION_STEP_HOURS = _env(env.float, "MASSLINE_ESCALATION_STEP_HOURS", default=4.0)
# How many demands the clock worker claims and acts on in one transaction.
MASSLINE_CLOCK_BATCH = _env(env.int, "MASSLINE_CLOCK_BATCH", default=500)
if MASSLINE_CLOCK_BATCH < 1:
    raise ImproperlyConfigured(f"MASSLINE_CLOCK_BATCH={MASSLINE_CLOCK_BATCH}: give 1 or more.")
# Local hour at which officials get the daily digest of what falls due.
MASSLINE_DIGEST_HOUR = _env(env.int, "MASSLINE_DIGEST_HOUR", default=8)
if not 0 <= MASSLINE_DIGEST_HOUR <= 23:
    raise ImproperlyConfigured(f"MASSLINE_DIGEST_HOUR={MASSLINE_DIGEST_HOUR}: give an hour from 0 to 23.")
# Public submissions per client address per hour.
MASSLINE_PUBLIC_SUBMIT_RATE = _env(env.int, "MASSLINE_PUBLIC_SUBMIT_RATE", default=10)
# Public ratings per client address per hour.
MASSLINE_PUBLIC_RATING_RATE = _env(env.int, "MASSLINE_PUBLIC_RATING_RATE", default=20)
# The site's public address, put before tracking links in messages to citizens (e.g. https://12345.example.gov.cn).
MASSLINE_PUBLIC_URL = _env(env.str, "MASSLINE_PUBLIC_URL", default="")
# Attachments of a demand: size of each, and how many.
MASSLINE_ATTACHMENT_MAX_BYTES = _env(env.int, "MASSLINE_ATTACHMENT_MAX_BYTES", default=10 * 1024 * 1024)
MASSLINE_ATTACHMENT_MAX_COUNT = _env(env.int, "MASSLINE_ATTACHMENT_MAX_COUNT", default=5)
# A demand's coordinates are matched to the nearest region centre within this distance (km).
# Country of phone numbers written without a country code (ISO 3166 alpha-2), for E.164 storage.
MASSLINE_PHONE_REGION = _env(env.str, "MASSLINE_PHONE_REGION", default="CN").upper()
MASSLINE_REGION_MATCH_KM = _env(env.float, "MASSLINE_REGION_MATCH_KM", default=25.0)
# SMS to citizens: "logging" (development) or "http" (a gateway taking JSON {to, text} with a bearer token).
MASSLINE_SMS_BACKEND = _env(env.str, "MASSLINE_SMS_BACKEND", default="logging")
if MASSLINE_SMS_BACKEND not in ("logging", "http"):
    raise ImproperlyConfigured(f"MASSLINE_SMS_BACKEND={MASSLINE_SMS_BACKEND}: choose logging or http.")
MASSLINE_SMS_URL = _env(env.str, "MASSLINE_SMS_URL", default="")
MASSLINE_SMS_TOKEN = _env(env.str, "MASSLINE_SMS_TOKEN", default="")
if token_file := _env(env.str, "MASSLINE_SMS_TOKEN_FILE", default=""):
    try:
        MASSLINE_SMS_TOKEN = Path(token_file).read_text().strip()
    except OSError as exc:
        raise ImproperlyConfigured(
            f"MASSLINE_SMS_TOKEN_FILE={token_file} cannot be read: {exc.strerror}"
        ) from exc
if MASSLINE_SMS_BACKEND == "http" and not MASSLINE_SMS_URL:
    raise ImproperlyConfigured("MASSLINE_SMS_BACKEND=http needs MASSLINE_SMS_URL (the gateway's address).")
MASSLINE_SMS_TIMEOUT = _env(env.float, "MASSLINE_SMS_TIMEOUT", default=5.0)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": _env(env.str, "LOG_LEVEL", default="INFO")},
    # django_tasks_db logs each start and end of its loop, which `massline worker` runs on every tick.
    "loggers": {"axes": {"level": "WARNING"}, "django_tasks_db": {"level": "WARNING"}},
}

SITE_TITLE = _("Massline")
