"""Ganchao settings: everything that varies comes from the environment (config/env.py)."""

import sys
from datetime import timedelta
from pathlib import Path

from django.utils.translation import gettext_lazy as _

from config import env

try:
    DATA_DIR = env.data_dir()
    SECRET_KEY = env.secret_key(DATA_DIR)
    DEBUG = env.env_bool("GANCHAO_DEBUG", False)
    ALLOWED_HOSTS = env.allowed_hosts()
    _database = env.database(DATA_DIR)
    _replica = env.database_replica(_database)
    _email = env.email()
    WEBHOOK_URL = env.webhook_url()
    AUDIT_COPY = env.audit_copy()
    CHROMIUM_PATH = env.chromium()
    env.field_key_checked()
    PORTAL_TRUSTED_PROXIES = env.trusted_proxies()
    LOG_SYSLOG = env.log_syslog()
except env.ConfigError as exc:
    sys.stderr.write(f"配置错误：{exc}\n")
    raise SystemExit(2) from exc

BASE_DIR = Path(__file__).resolve().parent.parent
RUNNING_TESTS = "pytest" in sys.modules

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.forms",
    "django_htmx",
    "ninja",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "django_tasks",
    "django_tasks_db",
    "ganchao.common",
    "ganchao.audit",
    "ganchao.orgs",
    "ganchao.accounts",
    "ganchao.workcal",
    "ganchao.goals",
    "ganchao.supervision",
    "ganchao.visits",
    "ganchao.ladder",
    "ganchao.assessment",
    "ganchao.decisions",
    "ganchao.portal",
    "ganchao.enforcement",
    "ganchao.problems",
    "ganchao.enterprises",
    "ganchao.projects",
    "ganchao.fiscal",
    "ganchao.notifications",
    "ganchao.web",
    "ganchao.demodata",
    "ganchao.scheduler",
]

MIDDLEWARE = [
    "ganchao.common.middleware.ApiErrorMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "ganchao.common.middleware.RequestContextMiddleware",
    "ganchao.common.middleware.NulCharacterMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "ganchao.common.middleware.LanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "ganchao.common.refusals.RefusalAuditMiddleware",
    "ganchao.audit.downloads.DownloadAuditMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "ganchao.accounts.middleware.IdleTimeoutMiddleware",
    "ganchao.accounts.middleware.PasswordPolicyMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "ganchao.common.middleware.SecurityHeadersMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "ganchao" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "ganchao.web.context_processors.shell",
            ],
        },
    }
]

DATABASES = {"default": _database}
if _replica:
    # Read-only pages read the streaming replica; writes, sign-in, the audit chain and the
    # tick stay on the primary (ganchao/common/db_router.py).
    DATABASES["replica"] = _replica
    DATABASE_ROUTERS = ["ganchao.common.db_router.ReplicaRouter"]
    MIDDLEWARE.insert(0, "ganchao.common.db_router.ReplicaRoutingMiddleware")
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "orgs.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "ganchao.accounts.backends.UnitAwareModelBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
if RUNNING_TESTS:
    # Fast hashing in tests; one test asserts Argon2 with the production list.
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher", *PASSWORD_HASHERS]

AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": "ganchao.accounts.passwords.MinimumLengthValidator",
        "OPTIONS": {"min_length": 8},
    },
    {"NAME": "ganchao.accounts.passwords.CharacterClassValidator", "OPTIONS": {"min_classes": 3}},
    {"NAME": "ganchao.accounts.passwords.NotContainingUsernameValidator"},
    {"NAME": "ganchao.accounts.passwords.HistoryValidator", "OPTIONS": {"depth": 5}},
    {"NAME": "ganchao.accounts.passwords.CommonPasswordValidator"},
    {"NAME": "ganchao.accounts.passwords.LocalWordsValidator"},
]
PASSWORD_MAX_AGE_DAYS = 90
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "web:home"
LOGOUT_REDIRECT_URL = "accounts:login"
IDLE_TIMEOUT = timedelta(minutes=30)
# Steps after the password, see accounts/login_flow.py: the second factor (LEGAL_RULES C4) runs
# for the roles the security policy names and for anyone who enrolled an authenticator.
LOGIN_STEPS: list[str] = ["accounts:second_factor"]
# Wrong codes count toward the login lockout (5 failures, 15 minutes) instead of django-otp's
# own growing delay, which would refuse a right code typed a second after a wrong one.
OTP_TOTP_THROTTLE_FACTOR = 0
OTP_STATIC_THROTTLE_FACTOR = 0
OTP_TOTP_ISSUER = "Ganchao"

AXES_LOCKOUT_PARAMETERS = ["username"]
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = timedelta(minutes=15)
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked.html"
AXES_USERNAME_FORM_FIELD = "username"
# Usernames are case-insensitive: ZhangSan and zhangsan share one failure count.
AXES_USERNAME_CALLABLE = "ganchao.accounts.backends.axes_username"
AXES_VERBOSE = False
AXES_ENABLE_ACCESS_FAILURE_LOG = False

# Django's database sessions, their read compiled once per process (ganchao/web/sessions.py).
SESSION_ENGINE = "ganchao.web.sessions"
SESSION_COOKIE_AGE = 12 * 3600
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SECURE = env.env_bool("GANCHAO_SECURE_COOKIES", False)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
# Behind HTTPS (GANCHAO_SECURE_COOKIES on): redirect plain HTTP and send HSTS (LEGAL_RULES C3).
SECURE_SSL_REDIRECT = SESSION_COOKIE_SECURE
SECURE_HSTS_SECONDS = 31_536_000 if SESSION_COOKIE_SECURE else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = SESSION_COOKIE_SECURE
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if SESSION_COOKIE_SECURE else None
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "ganchao" / "locale"]
USE_I18N = True
USE_TZ = True
TIME_ZONE = "Asia/Shanghai"

STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)
STATICFILES_DIRS = [BASE_DIR / "ganchao" / "static"]
STATICFILES_FINDERS = [
    "django.contrib.staticfiles.finders.FileSystemFinder",
    "django.contrib.staticfiles.finders.AppDirectoriesFinder",
    "ganchao.common.staticfinder.VendorFinder",
]
STORAGES = {
    "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": DATA_DIR / "uploads"},
    },
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
if RUNNING_TESTS:
    STORAGES["staticfiles"] = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}
WHITENOISE_USE_FINDERS = DEBUG or RUNNING_TESTS

EMAIL_ENABLED = _email.pop("ENABLED")
for _key, _value in _email.items():
    globals()[_key] = _value
DEFAULT_FROM_EMAIL = "ganchao@localhost"

TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
if RUNNING_TESTS:
    TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}

GANCHAO_CITY_NAME = _("本市")
OFFICE_HOURS = (("08:30", "12:00"), ("14:00", "17:30"))

# Logs (LEGAL_RULES C9): the application log and the security log (logins, failures,
# lockouts, refusals) in DATA_DIR/logs, rotated daily, or to syslog (GANCHAO_LOG_SYSLOG).
# Rotated files are all kept by the handler (backupCount 0): the retention is the security
# policy's, at least six calendar months, applied by the tick (ganchao/common/logfiles.py).
LOGS_DIR = DATA_DIR / "logs"
LOGS_DIR.mkdir(parents=True, exist_ok=True)
REFUSAL_AUDIT_PER_MINUTE = 20


def _log_handler(filename: str) -> dict:
    if LOG_SYSLOG:
        return {
            "class": "logging.handlers.SysLogHandler",
            "address": LOG_SYSLOG["address"],
            "formatter": "syslog",
        }
    return {
        "class": "logging.handlers.TimedRotatingFileHandler",
        "filename": str(LOGS_DIR / filename),
        "when": "midnight",
        "backupCount": 0,
        "encoding": "utf-8",
        "delay": True,
        "formatter": "line",
    }


LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "line": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
        "syslog": {"format": "ganchao %(levelname)s %(name)s %(message)s"},
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler"},
        "app_file": _log_handler("ganchao.log"),
        "security_file": _log_handler("security.log"),
    },
    "root": {"handlers": ["console", "app_file"], "level": "WARNING"},
    "loggers": {
        "django_tasks_db": {"level": "WARNING"},
        "ganchao.security": {"handlers": ["security_file"], "level": "INFO"},
    },
}

AXES_LOCKOUT_CALLABLE = "ganchao.accounts.views.lockout_response"
FORM_RENDERER = "django.forms.renderers.TemplatesSetting"
# Lockout is per username by design (a whole city sits behind one proxy address).
SILENCED_SYSTEM_CHECKS = ["axes.W006"]
NINJA_PAGINATION_PER_PAGE = 100
NINJA_PAGINATION_MAX_LIMIT = 1000
FORMAT_MODULE_PATH = ["ganchao.formats"]

# The public portal (/public/): comments one address may send per window (counted in the
# database over PublicComment(address, submitted_at), so every process sees the same count).
PORTAL_COMMENT_LIMITS = ((5, timedelta(minutes=10)), (20, timedelta(days=1)))

# Uploaded sheets (issue 12 item 7): the data rows one worksheet may hold, and the rows above
# which a web import is checked and written by a background job, its progress on the page.
IMPORT_MAX_ROWS = 50_000
IMPORT_BACKGROUND_ROWS = 2_000

# The audit chain (LEGAL_RULES C7): each `ganchao serve` worker writes a signed checkpoint
# every N minutes when new events were recorded; the tick verifies the whole chain once a day
# at the first tick from this hour on (local time).
AUDIT_CHECKPOINT_MINUTES = 10
AUDIT_VERIFY_HOUR = 3
